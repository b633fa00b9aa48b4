"""The global search index: SQLite FTS5 kept in step by triggers, or PostgreSQL trigrams."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Search index"

TABLE = """CREATE TABLE crm_search_entry (
    id {id_type} PRIMARY KEY,
    kind VARCHAR(40) NOT NULL,
    record_id INTEGER NOT NULL,
    title VARCHAR(300) NOT NULL,
    subtitle VARCHAR(300) NOT NULL DEFAULT '',
    owner_id INTEGER NULL,
    terms TEXT NOT NULL DEFAULT ''
)"""

COMMON = [
    "CREATE UNIQUE INDEX crm_search_entry_record ON crm_search_entry (kind, record_id)",
]


def fts_table(options: str = "") -> str:
    """External-content FTS5: the text lives once, in crm_search_entry."""
    return (
        "CREATE VIRTUAL TABLE crm_search_fts USING fts5(title, terms, content='crm_search_entry', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3'{', ' + options if options else ''})"
    )


SQLITE = [
    TABLE.format(id_type="INTEGER"),
    *COMMON,
    fts_table(),
    "CREATE TRIGGER crm_search_entry_ai AFTER INSERT ON crm_search_entry BEGIN "
    "INSERT INTO crm_search_fts(rowid, title, terms) VALUES (new.id, new.title, new.terms); END",
    "CREATE TRIGGER crm_search_entry_ad AFTER DELETE ON crm_search_entry BEGIN "
    "INSERT INTO crm_search_fts(crm_search_fts, rowid, title, terms) VALUES ('delete', old.id, old.title, old.terms); END",
    "CREATE TRIGGER crm_search_entry_au AFTER UPDATE ON crm_search_entry BEGIN "
    "INSERT INTO crm_search_fts(crm_search_fts, rowid, title, terms) VALUES ('delete', old.id, old.title, old.terms); "
    "INSERT INTO crm_search_fts(rowid, title, terms) VALUES (new.id, new.title, new.terms); END",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    TABLE.format(id_type="SERIAL"),
    *COMMON,
    "CREATE INDEX crm_search_entry_trgm ON crm_search_entry USING gin ((lower(title) || ' ' || terms) gin_trgm_ops)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)

    async def create() -> None:
        engine = engine_finder()
        for statement in SQLITE if engine.engine_type == "sqlite" else POSTGRES:
            await engine.run_ddl(statement)

    async def drop() -> None:
        engine = engine_finder()
        if engine.engine_type == "sqlite":
            await engine.run_ddl("DROP TABLE IF EXISTS crm_search_fts")
        await engine.run_ddl("DROP TABLE IF EXISTS crm_search_entry")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
