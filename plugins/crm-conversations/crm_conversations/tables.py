"""The conversations plugin's tables: threads, their messages, senders nobody knows yet, and
the IMAP mailboxes it reads with what each sync of them found."""

from piccolo.columns import (
    JSON,
    BigInt,
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


class Mailbox(Table, tablename="conversations_mailbox"):
    """An IMAP account the plugin reads (never writes: folders are opened read-only)."""

    name = Varchar(length=100, unique=True)
    host = Varchar(length=253)
    port = Integer(default=993)
    security = Varchar(length=10, default="tls")  # tls, starttls, or none (only to this machine)
    username = Varchar(length=254)
    password = Text(default="")  # sealed with the instance key (toolkit.encrypt_secret)
    folders = Varchar(length=1000, default="INBOX")  # comma separated
    # A certificate (PEM) to trust for this server besides the system's, for one that signs its own.
    ca_certificate = Text(default="")
    owner = ForeignKey(references=LazyTableReference("User", app_name="crm"), null=True, on_delete=OnDelete.set_null,
                       index=True)
    # Set while a sync runs, so two at once (the schedule and "Sync now") never fetch twice.
    sync_started = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class MailboxFolder(Table, tablename="conversations_mailbox_folder"):
    """Where a sync of one folder stopped: the UIDs up to ``last_uid`` under ``uidvalidity`` are read."""

    key = Varchar(length=330, unique=True)  # mailbox id:folder name
    mailbox = ForeignKey(references=Mailbox, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=300)
    uidvalidity = BigInt(default=0)
    last_uid = BigInt(default=0)
    server_count = Integer(default=0)  # messages in the folder at the last sync
    seen = Integer(default=0)  # messages read from it under this uidvalidity


class MailboxSync(Table, tablename="conversations_mailbox_sync"):
    """One sync of a mailbox: what it read, what the import run made of it, or what went wrong."""

    mailbox = ForeignKey(references=Mailbox, on_delete=OnDelete.cascade, index=True)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=10, default="running")  # running, ok, failed
    error = Text(default="")
    seen = Integer(default=0)
    imported = Integer(default=0)
    skipped = Integer(default=0)
    failed = Integer(default=0)
    run = Integer(null=True, default=None)  # the import run the messages went through
    reasons = JSON(default={})  # {"skipped: already imported": 3, ...}
    folders = JSON(default={})  # {folder: {uidvalidity, server_count, seen, rescanned}}


TABLES = (Thread, Message, Reference, UnknownSender, Mailbox, MailboxFolder, MailboxSync)
