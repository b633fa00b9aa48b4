"""An index for "contacts not touched for N days": each owner's contacts, never-contacted
first, then the longest untouched, so My day reads only the rows it shows."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T22:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index contacts by owner and last contact"

NAME = "crm_contact_untouched"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)

    async def create() -> None:
        engine = engine_finder()
        # SQLite sorts NULLs first and cannot say so in an index; PostgreSQL must be told.
        nulls_first = "" if engine.engine_type == "sqlite" else " NULLS FIRST"
        await engine.run_ddl(f"CREATE INDEX {NAME} ON crm_contact (owner, last_contacted_at{nulls_first}, id)")

    async def drop() -> None:
        await engine_finder().run_ddl(f"DROP INDEX IF EXISTS {NAME}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
