"""``healthcare_appointment.trashed_at``: when the appointment's activity went to the trash.
The row stays, hidden, so restoring the activity brings the appointment back whole."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz

ID = "2026-12-01T18:58:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Appointments follow their activity to the trash and back"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="healthcare", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Appointment", tablename="healthcare_appointment", column_name="trashed_at",
        db_column_name="trashed_at", column_class_name="Timestamptz", column_class=Timestamptz,
        params={"default": None, "null": True}, schema=None,
    )
    return manager
