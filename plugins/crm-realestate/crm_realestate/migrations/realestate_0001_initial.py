"""The table realestate_item. Written by ``crm plugins new``; later migrations come from
``piccolo migrations new realestate --auto``. ``add_table`` runs backwards too, which is what
``crm plugins remove realestate --purge`` needs to drop the table."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

ID = "2026-12-01T14:55:59:133130"
VERSION = "1.38.0"
DESCRIPTION = "The items table"

COLUMNS = [
    ("title", Varchar, {"length": 200, "default": "", "null": False}),
    ("contact_id", Integer, {"default": None, "null": True, "index": True}),
    ("owner", Integer, {"default": None, "null": True, "index": True}),
    ("tags", JSON, {"default": "[]", "null": False}),
    ("custom", JSON, {"default": "{}", "null": False}),
    ("created_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
    ("updated_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="realestate", description=DESCRIPTION)
    manager.add_table(class_name="Item", tablename="realestate_item")
    for name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="Item",
            tablename="realestate_item",
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
        )
    return manager
