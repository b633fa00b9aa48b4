"""The merge journal ``crm_merge``: every merge of two records, with what undoing it needs.

The table as it stands here, frozen; its indexes are migration 0017's (Piccolo runs a
migration's raw steps before the tables it adds).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.db.raw import add_tables

ID = "2026-12-01T12:09:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The merge journal"


class Merge(Table, tablename="crm_merge", schema=None):
    kind = Varchar(length=60)
    survivor_id = Integer()
    merged_id = Integer()
    actor_id = Integer(null=True, default=None)
    merged_at = Timestamptz(default=TimestamptzNow())
    merged_row = JSON(default={})
    survivor_before = JSON(default={})
    survivor_after = JSON(default={})
    links = JSON(default={})
    undone_at = Timestamptz(null=True, default=None)
    undone_by = Integer(null=True, default=None)
    undo_note = Text(default="")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    add_tables(manager, [Merge])
    return manager
