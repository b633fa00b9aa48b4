"""``crm_consent``: the consent ledger, one row per consent given or withdrawn, never changed
afterwards; a contact's current consent for a purpose is its newest row."""

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.contacts.tables import Contact


class Consent(Table, tablename="crm_consent"):
    contact = ForeignKey(references=Contact, on_delete=OnDelete.cascade, index=True)
    purpose = Varchar(length=60)  # newsletter, marketing, surveys ...
    channel = Varchar(length=10, default="")  # email, phone, sms, post; empty: every channel
    granted = Boolean()
    source = Varchar(length=100, default="")  # where it was said: web form, phone call, import ...
    text_version = Varchar(length=60, default="")  # the wording the person was shown
    actor_id = Integer(null=True, default=None)
    at = Timestamptz(default=TimestamptzNow())
