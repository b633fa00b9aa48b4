"""Each user's own regional preferences (phone region, currency, time zone, date and number
format, first day of the week) on ``crm_user``, and an activity's end on ``crm_activity``."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Timestamptz, Varchar

ID = "2026-12-01T18:04:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Regional preferences and activity end time"

USER_COLUMNS = (("phone_region", 2), ("currency", 3), ("time_zone", 60), ("date_format", 20),
                ("number_format", 20), ("week_start", 10))


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    for column_name, length in USER_COLUMNS:
        manager.add_column(
            table_class_name="User", tablename="crm_user", column_name=column_name,
            db_column_name=column_name, column_class_name="Varchar", column_class=Varchar,
            params={"length": length, "default": ""}, schema=None,
        )
    manager.add_column(
        table_class_name="Activity", tablename="crm_activity", column_name="ends_at",
        db_column_name="ends_at", column_class_name="Timestamptz", column_class=Timestamptz,
        params={"default": None, "null": True}, schema=None,
    )
    return manager
