"""``crm_contact_identity``: one row per address, number or handle a contact is known by."""

from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.contacts.tables import Contact


class ContactIdentity(Table, tablename="crm_contact_identity"):
    contact = ForeignKey(references=Contact, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10)  # email, phone or handle
    network = Varchar(length=30, default="")  # a handle's network (x, instagram ...); empty otherwise
    value = Varchar(length=254)
    # ``kind:network:value``: one column, so the database keeps an identity to one contact.
    key = Varchar(length=300, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
