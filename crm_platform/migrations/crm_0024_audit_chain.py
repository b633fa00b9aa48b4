"""The audit log becomes a hash chain (``crm_platform/audit/chain.py``): ``seq``, ``prev_hash``
and ``entry_hash`` on every entry, a unique index on ``seq``, and the entries already there
chained in the order they were written (by id). ``action`` widens from 10 to 40 characters:
a longer action was an error on PostgreSQL.

Piccolo runs a migration's raw steps before its column changes, so the chaining runs after
them here, in the same transaction.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import BigInt, Varchar
from piccolo.engine import engine_finder

from crm_platform.audit import chain
from crm_platform.db.engine import SQLiteEngine, is_sqlite

ID = "2026-12-01T18:02:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Audit log hash chain"

SEQ_INDEX = "CREATE UNIQUE INDEX crm_audit_chain_seq ON crm_audit_entry (seq)"
BATCH = 5000


async def _chain_existing(engine: Any) -> None:
    start, last_id = chain.Head(0, chain.GENESIS), 0
    while True:
        rows = await chain._fetch(
            engine, "SELECT id, at, actor_id, record_type, record_id, action, changes FROM crm_audit_entry "
                    "WHERE id > {} ORDER BY id LIMIT {}", last_id, BATCH)
        if not rows:
            return
        for row in rows:
            if not isinstance(row["changes"], str):
                raise RuntimeError(f"crm_audit_entry {row['id']}: changes read back as {type(row['changes'])}")
        links = chain.link(start, rows)
        updates = [[seq, prev_hash, entry_hash, row["id"]]
                   for row, (seq, prev_hash, entry_hash) in zip(rows, links, strict=True)]
        sql = "UPDATE crm_audit_entry SET seq = {}, prev_hash = {}, entry_hash = {} WHERE id = {}"
        if isinstance(engine, SQLiteEngine):
            await engine.start_writes([(sql.replace("{}", "?"), update) for update in updates])
        else:
            connection = engine.current_transaction.get().connection
            await connection.executemany(sql.format("$1", "$2", "$3", "$4"), [tuple(update) for update in updates])
        start, last_id = chain.Head(*links[-1][0::2]), rows[-1]["id"]


class _ChainingManager(MigrationManager):
    async def run(self, backwards: bool = False) -> None:
        engine = engine_finder()
        async with engine.transaction():
            await super().run(backwards=backwards)
            if not backwards and not self.preview:
                await _chain_existing(engine)
                await engine.run_ddl(SEQ_INDEX)

    async def _run_alter_columns(self, backwards: bool = False) -> None:
        # SQLite does not enforce a VARCHAR's length, nor can it alter a column's type.
        if not is_sqlite(engine_finder()):
            await super()._run_alter_columns(backwards=backwards)


async def forwards() -> MigrationManager:
    manager = _ChainingManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    for name, column_class, params in (
        ("seq", BigInt, {"null": True, "default": None}),
        ("prev_hash", Varchar, {"length": 64, "null": True, "default": None}),
        ("entry_hash", Varchar, {"length": 64, "null": True, "default": None}),
    ):
        manager.add_column(
            table_class_name="AuditEntry", tablename="crm_audit_entry", column_name=name, db_column_name=name,
            column_class_name=column_class.__name__, column_class=column_class, params=params, schema=None,
        )
    manager.alter_column(
        table_class_name="AuditEntry", tablename="crm_audit_entry", column_name="action", db_column_name="action",
        params={"length": 40}, old_params={"length": 10}, column_class=Varchar, old_column_class=Varchar,
        schema=None,
    )
    manager.add_raw_backwards(_drop_seq_index)
    return manager


async def _drop_seq_index() -> None:
    await engine_finder().run_ddl("DROP INDEX IF EXISTS crm_audit_chain_seq")
