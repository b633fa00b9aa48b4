"""Email: the outbound queue, each user's notification channels, and a task's overdue mark.

``crm_outbound_email`` holds each email until the relay takes it (its ``batch`` is what the
send job is given); ``crm_notification_preference`` one row per user who chose channels;
``crm_activity.overdue_reminded_at`` when an open task's assignee was told it is overdue.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Column
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import JSON, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-12-01T12:02:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Outbound email, notification preferences, overdue reminders"


class User(Table, tablename="crm_user", schema=None):
    """The table the foreign key references, as it stood in 0001 (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")


# Each table's columns with the parameters the table declares; the rest are Piccolo's defaults.
TABLES: dict[tuple[str, str], list[tuple[str, type[Column], dict[str, Any]]]] = {
    ("OutboundEmail", "crm_outbound_email"): [
        ("batch", Varchar, {"length": 40, "default": "", "index": True}),
        ("to_address", Varchar, {"length": 254, "default": ""}),
        ("subject", Varchar, {"length": 200, "default": ""}),
        ("text_body", Text, {"default": ""}),
        ("html_body", Text, {"default": ""}),
        ("state", Varchar, {"length": 12, "default": "queued"}),
        ("error", Text, {"default": ""}),
        ("created_at", Timestamptz, {"default": TimestamptzNow()}),
        ("sent_at", Timestamptz, {"default": None, "null": True}),
    ],
    ("NotificationPreference", "crm_notification_preference"): [
        ("user", ForeignKey, {
            "references": User, "on_delete": OnDelete.cascade, "on_update": OnUpdate.cascade,
            "target_column": None, "null": False, "unique": True,
        }),
        ("choices", JSON, {"default": "{}"}),
    ],
}


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    for (class_name, tablename), columns in TABLES.items():
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for column_name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=column_name,
                db_column_name=column_name, column_class_name=column_class.__name__, column_class=column_class,
                params=params, schema=None,
            )
    manager.add_column(
        table_class_name="Activity", tablename="crm_activity", column_name="overdue_reminded_at",
        db_column_name="overdue_reminded_at", column_class_name="Timestamptz", column_class=Timestamptz,
        params={"default": None, "null": True}, schema=None,
    )
    return manager
