"""Import runs: ``crm_import_run``, its ledger ``crm_import_row`` and ``crm_import_key``
(the record each source's external id became).

Piccolo runs a migration's raw steps before the tables it adds, so this migration creates its
tables in its raw step (with the tables as they stand here, frozen) and their indexes after
them, in one migration.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.engine import engine_finder
from piccolo.table import Table

ID = "2026-12-01T12:04:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Import runs, their row ledger and external ids"


class User(Table, tablename="crm_user", schema=None):
    """The table the foreign key references, as it stood in 0001 (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")


class ImportRun(Table, tablename="crm_import_run", schema=None):
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    kind = Varchar(length=60)
    format = Varchar(length=60)
    filename = Varchar(length=255, default="")
    path = Varchar(length=1000)
    size = Integer(default=0)
    encoding = Varchar(length=30, default="")
    delimiter = Varchar(length=4, default="")
    columns = JSON(default=[])
    mapping = JSON(default={})
    source = Varchar(length=100, default="")
    match_key = Varchar(length=60, default="")
    status = Varchar(length=20, default="mapping")
    revision = Integer(default=0)
    rows_total = Integer(default=0)
    rows_done = Integer(default=0)
    planned = JSON(default={})
    committed = JSON(default={})
    undone = JSON(default={})
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ImportRow(Table, tablename="crm_import_row", schema=None):
    run = ForeignKey(references=ImportRun, on_delete=OnDelete.cascade)
    phase = Varchar(length=10)
    row_number = Integer()
    external_id = Varchar(length=254, default="")
    record_id = Integer(null=True, default=None)
    outcome = Varchar(length=10)
    reason = Text(default="")
    previous = JSON(default={})
    written = JSON(default={})
    undo = Text(default="")


class ImportKey(Table, tablename="crm_import_key", schema=None):
    record_type = Varchar(length=60)
    source = Varchar(length=100)
    external_id = Varchar(length=254)
    record_id = Integer()


TABLES = (ImportRun, ImportRow, ImportKey)
INDEXES = [
    # A run's rows in order (resume, the dry-run table, the CSV) and one row by number.
    "CREATE UNIQUE INDEX IF NOT EXISTS crm_import_row_number ON crm_import_row (run, phase, row_number)",
    # "What happened to this email / external id?"
    "CREATE INDEX IF NOT EXISTS crm_import_row_external ON crm_import_row (run, external_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS crm_import_key_external ON crm_import_key (record_type, source, external_id)",
    "CREATE INDEX IF NOT EXISTS crm_import_key_record ON crm_import_key (record_type, record_id)",
]


async def _create() -> None:
    # The engine being migrated now (a class caches the first it is given), and through the
    # tables' queries, so the indexes are made in the migration's transaction like the tables.
    engine = engine_finder()
    for table in (User, *TABLES):
        table._meta.db = engine
    for table in TABLES:
        await table.create_table(if_not_exists=True).run()
    for statement in INDEXES:
        await ImportRow.raw(statement).run()


async def _drop() -> None:
    engine = engine_finder()
    for table in TABLES:
        table._meta.db = engine
    for table in reversed(TABLES):
        await table.alter().drop_table(if_exists=True).run()


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(_create)
    manager.add_raw_backwards(_drop)
    return manager
