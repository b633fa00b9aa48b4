"""Accounts: ``crm_user.session_version`` and ``crm_user_invite``.

A session remembers the version its user had when it signed in; disabling a user, or
setting their password, moves the version on, so every older session is over even after
the user is enabled again. An invite is a one-time link for setting one's first password;
only the hash of its token is kept.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Column
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Integer, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-12-01T12:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Session versions and invites"

TABLE = "crm_user_invite"


class User(Table, tablename="crm_user", schema=None):
    """The table the foreign key references, as it stood in 0001 (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")


# Each column's parameters as the table declares them; the rest are Piccolo's defaults.
COLUMNS: list[tuple[str, type[Column], dict[str, Any]]] = [
    ("user", ForeignKey, {
        "references": User, "on_delete": OnDelete.cascade, "on_update": OnUpdate.cascade,
        "target_column": None, "null": False,
    }),
    ("token_hash", Varchar, {"length": 64, "unique": True}),
    ("created_by", Integer, {"default": None, "null": True}),
    ("created_at", Timestamptz, {"default": TimestamptzNow()}),
    ("expires_at", Timestamptz, {"default": TimestamptzNow()}),
    ("used_at", Timestamptz, {"default": None, "null": True}),
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_column(
        table_class_name="User", tablename="crm_user", column_name="session_version",
        db_column_name="session_version", column_class_name="Integer", column_class=Integer,
        params={"default": 0}, schema=None,
    )
    manager.add_table(class_name="UserInvite", tablename=TABLE, schema=None, columns=None)
    for column_name, column_class, params in COLUMNS:
        manager.add_column(
            table_class_name="UserInvite",
            tablename=TABLE,
            column_name=column_name,
            db_column_name=column_name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params=params,
            schema=None,
        )
    return manager
