"""Contact identities ``crm_contact_identity``: the email addresses, E.164 phones and social
handles (per network) a contact is known by, one lookup away from the contact.

The table as it stands here, frozen.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.db.raw import add_tables

ID = "2026-12-01T12:19:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Contact identities"


class Contact(Table, tablename="crm_contact", schema=None):
    """The table the foreign key references (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")


class ContactIdentity(Table, tablename="crm_contact_identity", schema=None):
    contact = ForeignKey(references=Contact, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10)
    network = Varchar(length=30, default="")
    value = Varchar(length=254)
    key = Varchar(length=300, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    add_tables(manager, [ContactIdentity])
    return manager
