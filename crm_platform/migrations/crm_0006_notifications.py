"""In-app notifications: ``crm_notification``, one row per message to one user.

Its index ``(user, read_at, id)`` is migration 0007's: Piccolo runs a migration's raw steps
before it adds its tables, so an index on a new table needs a migration of its own (as
0002 is to 0001).
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Column
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-12-01T09:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "In-app notifications"

TABLE = "crm_notification"


class User(Table, tablename="crm_user", schema=None):
    """The table the foreign key references, as it stood in 0001 (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")


# Each column's parameters as the table declares them; the rest are Piccolo's defaults.
COLUMNS: list[tuple[str, type[Column], dict[str, Any]]] = [
    ("user", ForeignKey, {
        "references": User, "on_delete": OnDelete.cascade, "on_update": OnUpdate.cascade,
        "target_column": None, "null": False,
    }),
    ("kind", Varchar, {"length": 60, "default": ""}),
    ("subject", Varchar, {"length": 200, "default": ""}),
    ("body", Text, {"default": ""}),
    ("href", Varchar, {"length": 500, "default": ""}),
    ("record_type", Varchar, {"length": 60, "default": None, "null": True}),
    ("record_id", Integer, {"default": None, "null": True}),
    ("created_at", Timestamptz, {"default": TimestamptzNow()}),
    ("read_at", Timestamptz, {"default": None, "null": True}),
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_table(class_name="Notification", tablename=TABLE, schema=None, columns=None)
    for column_name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="Notification",
            tablename=TABLE,
            column_name=column_name,
            db_column_name=column_name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
