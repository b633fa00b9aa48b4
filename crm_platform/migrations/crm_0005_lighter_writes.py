"""Less to maintain on every contact write.

* Three single-column indexes go: ``crm_contact_name_keyset``, ``crm_contact_updated_keyset``
  (0002) and ``crm_contact_untouched`` (0004) lead with the same columns and answer every
  query the single-column ones did.
* The lifecycle stage index goes too: with it, SQLite answered "leads, by name, first 50" by
  sorting every lead (50 ms at 200,000 contacts); without it, it walks the name index and
  skips other stages (1.7 ms).
* SQLite's full-text index is rebuilt with ``detail=column`` (no word positions: search
  matches word prefixes, never phrases) and ``columnsize=0`` (ranking reads the few matched
  rows' lengths from the entries instead of keeping one more row per entry), and merges its
  segments 8 at a time rather than 4 (``automerge``): each term is rewritten less often as
  the index grows, and prefix queries took no longer in a test on 400,000 entries.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import ForeignKey, Timestamptz, Varchar
from piccolo.engine import engine_finder

from crm_platform.migrations.crm_0003_search import fts_table

ID = "2026-11-23T00:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Drop indexes that composite ones cover or that slow lists; leaner full-text index"

UNINDEXED = (
    ("display_name", Varchar), ("owner", ForeignKey), ("updated_at", Timestamptz), ("lifecycle_stage", Varchar),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    for column_name, column_class in UNINDEXED:
        manager.alter_column(
            table_class_name="Contact",
            tablename="crm_contact",
            column_name=column_name,
            db_column_name=column_name,
            params={"index": False},
            old_params={"index": True},
            column_class=column_class,
            old_column_class=column_class,
            schema=None,
        )

    def rebuild_fts(options: str, automerge: int):
        async def run() -> None:
            engine = engine_finder()
            if engine.engine_type != "sqlite":
                return
            # The triggers of 0003 name the table, so they carry on writing to the new one.
            await engine.run_ddl("DROP TABLE crm_search_fts")
            await engine.run_ddl(fts_table(options))
            await engine.run_ddl(f"INSERT INTO crm_search_fts(crm_search_fts, rank) VALUES ('automerge', {automerge})")
            await engine.run_ddl("INSERT INTO crm_search_fts(crm_search_fts) VALUES ('rebuild')")

        return run

    manager.add_raw(rebuild_fts("detail=column, columnsize=0", automerge=8))
    manager.add_raw_backwards(rebuild_fts("", automerge=4))
    return manager
