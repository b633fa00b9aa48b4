"""PostgreSQL: ``crm_audit_erase(kind, ids)``, the one way the application role removes audit
entries. Owned by the role that migrates and run with its rights (``SECURITY DEFINER``), it
deletes the entries about the given records and returns the place and hash of each, for the
erasure's tombstone. The application role then needs neither UPDATE nor DELETE on
``crm_audit_entry`` (docs/deployment.md, "Database roles"). Nothing on SQLite, which has no roles.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from crm_platform.db.engine import is_sqlite

ID = "2026-12-01T23:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit erasure function for a least-privilege application role"

# ``search_path`` is fixed at creation to the schema the tables are in: a function running
# with its owner's rights must not find a table someone else put earlier on the caller's path.
CREATE = """
CREATE OR REPLACE FUNCTION crm_audit_erase(kind text, ids bigint[])
RETURNS TABLE (erased_seq bigint, erased_hash varchar)
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    DELETE FROM crm_audit_entry WHERE record_type = kind AND record_id = ANY (ids)
    RETURNING seq, entry_hash
$$
"""
PRIVATE = "REVOKE ALL ON FUNCTION crm_audit_erase(text, bigint[]) FROM PUBLIC"
DROP = "DROP FUNCTION IF EXISTS crm_audit_erase(text, bigint[])"


async def _create() -> None:
    engine = engine_finder()
    if not is_sqlite(engine):
        await engine.run_ddl(CREATE)
        await engine.run_ddl(PRIVATE)


async def _drop() -> None:
    engine = engine_finder()
    if not is_sqlite(engine):
        await engine.run_ddl(DROP)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(_create)
    manager.add_raw_backwards(_drop)
    return manager
