"""Bulk runs ``crm_bulk_run``: bulk actions on many records, run as a job with progress.

The table as it stands here, frozen.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.db.raw import add_tables

ID = "2026-12-01T16:22:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Bulk runs"


class BulkRun(Table, tablename="crm_bulk_run", schema=None):
    user_id = Integer(index=True)
    record_type = Varchar(length=60)
    action = Varchar(length=20)
    params = JSON(default={})
    record_ids = JSON(default=[])
    total = Integer(default=0)
    done = Integer(default=0)
    changed = Integer(default=0)
    trash_ids = JSON(default=[])
    state = Varchar(length=12, default="queued")
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    add_tables(manager, [BulkRun])
    return manager
