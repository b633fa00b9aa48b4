"""The consent ledger ``crm_consent``: per contact, purpose and channel, consent given or
withdrawn, when, where and with which wording.

The table as it stands here, frozen.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.db.raw import add_tables

ID = "2026-12-01T16:23:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Consent ledger"


class Contact(Table, tablename="crm_contact", schema=None):
    """The table the foreign key references (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")


class Consent(Table, tablename="crm_consent", schema=None):
    contact = ForeignKey(references=Contact, on_delete=OnDelete.cascade, index=True)
    purpose = Varchar(length=60)
    channel = Varchar(length=10, default="")
    granted = Boolean()
    source = Varchar(length=100, default="")
    text_version = Varchar(length=60, default="")
    actor_id = Integer(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    add_tables(manager, [Consent])
    return manager
