"""The trash: ``crm_trash``, one row per deleted record until it is restored or purged.

Its indexes are the columns' own: ``deleted_at`` for the newest-first list, ``expires`` for
the purge, ``owner`` for what a member may see.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Column
from piccolo.columns.column_types import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

ID = "2026-12-01T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "The trash of deleted records"

TABLE = "crm_trash"

# Each column's parameters as the table declares them; the rest are Piccolo's defaults.
COLUMNS: list[tuple[str, type[Column], dict[str, Any]]] = [
    ("kind", Varchar, {"length": 60, "default": ""}),
    ("record_id", Integer, {"default": 0}),
    ("title", Varchar, {"length": 300, "default": ""}),
    ("owner", Integer, {"default": None, "null": True, "index": True}),
    ("row_data", JSON, {"default": "{}"}),
    ("links", JSON, {"default": "{}"}),
    ("deleted_by", Integer, {"default": None, "null": True}),
    ("deleted_at", Timestamptz, {"default": TimestamptzNow(), "index": True}),
    ("expires", Timestamptz, {"default": TimestamptzNow(), "index": True}),
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_table(class_name="TrashEntry", tablename=TABLE, schema=None, columns=None)
    for column_name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="TrashEntry",
            tablename=TABLE,
            column_name=column_name,
            db_column_name=column_name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
