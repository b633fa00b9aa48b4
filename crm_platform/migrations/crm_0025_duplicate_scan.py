"""Duplicate scans ``crm_duplicate_scan`` and their review queue ``crm_duplicate_pair``; an
import run's update mode (``mode``, ``update_mode``) and the export it was recognised as
(``preset``).

The tables as they stand here, frozen. ``pair_key`` is unique and ``status`` indexed through
their columns: Piccolo runs a migration's raw steps before its new tables exist.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.db.raw import add_tables

ID = "2026-12-01T18:03:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Duplicate scans and their review queue; import update modes and presets"


class DuplicateScan(Table, tablename="crm_duplicate_scan", schema=None):
    kind = Varchar(length=60)
    status = Varchar(length=12, default="queued")
    records = Integer(default=0)
    pairs = Integer(default=0)
    started_by = Integer(null=True, default=None)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    error = Text(default="")


class DuplicatePair(Table, tablename="crm_duplicate_pair", schema=None):
    pair_key = Varchar(length=80, unique=True)
    kind = Varchar(length=60)
    first_id = Integer()
    second_id = Integer()
    reasons = JSON(default=[])
    score = Integer(default=0)
    status = Varchar(length=12, default="pending", index=True)
    scan = Integer(default=0)
    merge_id = Integer(null=True, default=None)
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


# New columns of ``crm_import_run``: (name, length, default).
RUN_COLUMNS = (("mode", 20, "create_and_update"), ("update_mode", 20, "overwrite"), ("preset", 30, ""))


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    add_tables(manager, [DuplicateScan, DuplicatePair])
    for name, length, default in RUN_COLUMNS:
        manager.add_column(
            table_class_name="ImportRun", tablename="crm_import_run", column_name=name, db_column_name=name,
            column_class_name="Varchar", column_class=Varchar, params={"length": length, "default": default},
            schema=None,
        )
    return manager
