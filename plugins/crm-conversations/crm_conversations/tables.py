"""The conversations plugin's tables: threads, their messages, and senders nobody knows yet."""

from piccolo.columns import (
    JSON,
    ForeignKey,
    Integer,
    LazyTableReference,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Thread(Table, tablename="conversations_thread"):
    channel = Varchar(length=20, default="email")
    subject = Varchar(length=500, default="")
    # The subject without Re:/Fwd: prefixes, lower case: the fallback for mail without references.
    subject_key = Varchar(length=500, default="", index=True)
    started_at = Timestamptz(null=True, default=None)
    last_at = Timestamptz(null=True, default=None)
    owner = ForeignKey(references=LazyTableReference("User", app_name="crm"), null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class Message(Table, tablename="conversations_message"):
    channel = Varchar(length=20, default="email")
    # ``channel:message id``: one message once, whichever file or mailbox it came from.
    key = Varchar(length=330, unique=True)
    message_id = Varchar(length=300, default="", index=True)
    thread = ForeignKey(references=Thread, null=True, on_delete=OnDelete.set_null, index=True)
    sender = Varchar(length=254, default="")
    sender_name = Varchar(length=200, default="")
    recipients = Text(default="")
    sent_at = Timestamptz(null=True, default=None)
    sent_tz = Varchar(length=6, default="")  # the sender's own UTC offset, as the message gave it
    subject = Varchar(length=500, default="")
    body_text = Text(default="")
    body_html = Text(default="")  # sanitised with nh3 before it is stored
    attachments = Text(default="")  # JSON: [{name, type, size, sha256}]; no content is kept
    in_reply_to = Varchar(length=300, default="")
    refs = Text(default="")
    flags = Varchar(length=500, default="")
    failure = Text(default="")  # what the reader found wrong; a message that has one is not stored
    direction = Varchar(length=10, default="inbound")
    contact_ids = JSON(default=[])
    activity = Integer(null=True, default=None)
    owner = ForeignKey(references=LazyTableReference("User", app_name="crm"), null=True, on_delete=OnDelete.set_null,
                       index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Reference(Table, tablename="conversations_reference"):
    """Each id a message names in In-Reply-To or References, so a parent that arrives after
    its replies finds them."""

    message = ForeignKey(references=Message, on_delete=OnDelete.cascade, index=True)
    ref = Varchar(length=300, index=True)


class UnknownSender(Table, tablename="conversations_unknown"):
    """A sender no contact has, waiting for someone to create a contact or link one."""

    identity = Varchar(length=300, unique=True)  # kind:network:value, as the core keys identities
    kind = Varchar(length=10, default="email")
    network = Varchar(length=30, default="")
    value = Varchar(length=254)
    name = Varchar(length=200, default="")
    message_count = Integer(default=0)
    last_message = ForeignKey(references=Message, null=True, on_delete=OnDelete.set_null)
    owner = ForeignKey(references=LazyTableReference("User", app_name="crm"), null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


TABLES = (Thread, Message, Reference, UnknownSender)
