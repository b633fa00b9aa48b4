"""The tables healthcare_note, healthcare_appointment and healthcare_read_log. ``add_table``
runs backwards too, which is what ``crm plugins remove healthcare --purge`` needs."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow

ID = "2026-12-01T15:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Clinical notes, appointments and the read audit"

TABLES = {
    ("Note", "healthcare_note"): [
        ("category", Varchar, {"length": 40, "default": "consultation", "null": False}),
        ("patient_id", Integer, {"default": None, "null": True, "index": True}),
        ("owner", Integer, {"default": None, "null": True, "index": True}),
        ("body", Text, {"default": "", "null": False}),
        ("tags", JSON, {"default": "[]", "null": False}),
        ("custom", JSON, {"default": "{}", "null": False}),
        ("created_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
        ("updated_at", Timestamptz, {"default": TimestamptzNow(), "null": False}),
    ],
    ("Appointment", "healthcare_appointment"): [
        ("activity_id", Integer, {"default": 0, "null": False, "index": True, "unique": True}),
        ("patient_id", Integer, {"default": 0, "null": False, "index": True}),
        ("owner", Integer, {"default": None, "null": True, "index": True}),
        ("starts_at", Timestamptz, {"default": TimestamptzNow(), "null": False, "index": True}),
        ("provider", Varchar, {"length": 200, "default": "", "null": False}),
        ("location", Varchar, {"length": 200, "default": "", "null": False}),
        ("status", Varchar, {"length": 20, "default": "booked", "null": False, "index": True}),
        ("reminded_at", Timestamptz, {"default": None, "null": True}),
    ],
    ("ReadLog", "healthcare_read_log"): [
        ("patient_id", Integer, {"default": 0, "null": False, "index": True}),
        ("actor", Integer, {"default": None, "null": True}),
        ("what", Varchar, {"length": 40, "default": "", "null": False}),
        ("record_type", Varchar, {"length": 60, "default": "contact", "null": False}),
        ("record_id", Integer, {"default": None, "null": True}),
        ("surface", Varchar, {"length": 20, "default": "", "null": False}),
        ("client", Varchar, {"length": 64, "default": "", "null": False}),
        ("at", Timestamptz, {"default": TimestamptzNow(), "null": False, "index": True}),
    ],
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="healthcare", description=DESCRIPTION)
    for (class_name, tablename), columns in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=name,
                db_column_name=name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=params,
            )
    return manager
