"""Import runs: ``crm_import_run``, its ledger ``crm_import_row`` and ``crm_import_key``
(the record each source's external id became).

The tables as they stand here, frozen; their indexes are migration 0017's, because Piccolo
runs a migration's raw steps before the tables it adds.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
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


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    for table in TABLES:
        class_name, tablename = table.__name__, table._meta.tablename
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for column in table._meta.non_default_columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=column._meta.name,
                db_column_name=column._meta.db_column_name,
                column_class_name=type(column).__name__,
                column_class=type(column),
                params=column._meta.params,
                schema=None,
            )
    return manager
