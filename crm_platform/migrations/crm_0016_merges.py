"""The merge journal ``crm_merge``: every merge of two records, with what undoing it needs.

Like 0012, the raw step creates the table as it stands here (frozen) and its indexes, in one
migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.engine import engine_finder
from piccolo.table import Table

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


INDEXES = [
    # A record's merge history, newest first, whichever side of the merge it was on.
    "CREATE INDEX IF NOT EXISTS crm_merge_survivor ON crm_merge (kind, survivor_id, id)",
    "CREATE INDEX IF NOT EXISTS crm_merge_merged ON crm_merge (kind, merged_id, id)",
]


async def _create() -> None:
    # The engine being migrated now, so the index is made in the migration's transaction.
    Merge._meta.db = engine_finder()
    await Merge.create_table(if_not_exists=True).run()
    for statement in INDEXES:
        await Merge.raw(statement).run()


async def _drop() -> None:
    Merge._meta.db = engine_finder()
    await Merge.alter().drop_table(if_exists=True).run()


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(_create)
    manager.add_raw_backwards(_drop)
    return manager
