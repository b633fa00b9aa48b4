"""The conversations plugin's first tables: threads, messages, their references and the
queue of unknown senders, as they stand here (frozen)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-12-01T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Conversations: threads, messages and unknown senders"


class User(Table, tablename="crm_user", schema=None):
    """The core table the owners reference (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")



class Thread(Table, tablename="conversations_thread", schema=None):
    channel = Varchar(length=20, default="email")
    subject = Varchar(length=500, default="")
    # The subject without Re:/Fwd: prefixes, lower case: the fallback for mail without references.
    subject_key = Varchar(length=500, default="", index=True)
    started_at = Timestamptz(null=True, default=None)
    last_at = Timestamptz(null=True, default=None)
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class Message(Table, tablename="conversations_message", schema=None):
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
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null,
                       index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Reference(Table, tablename="conversations_reference", schema=None):
    """Each id a message names in In-Reply-To or References, so a parent that arrives after
    its replies finds them."""

    message = ForeignKey(references=Message, on_delete=OnDelete.cascade, index=True)
    ref = Varchar(length=300, index=True)


class UnknownSender(Table, tablename="conversations_unknown", schema=None):
    """A sender no contact has, waiting for someone to create a contact or link one."""

    identity = Varchar(length=300, unique=True)  # kind:network:value, as the core keys identities
    kind = Varchar(length=10, default="email")
    network = Varchar(length=30, default="")
    value = Varchar(length=254)
    name = Varchar(length=200, default="")
    message_count = Integer(default=0)
    last_message = ForeignKey(references=Message, null=True, on_delete=OnDelete.set_null)
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


TABLES = (Thread, Message, Reference, UnknownSender)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="conversations", description=DESCRIPTION)
    for table in TABLES:
        class_name, tablename = table.__name__, table._meta.tablename
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for column in table._meta.non_default_columns:
            manager.add_column(
                table_class_name=class_name, tablename=tablename, column_name=column._meta.name,
                db_column_name=column._meta.db_column_name, column_class_name=type(column).__name__,
                column_class=type(column), params=column._meta.params, schema=None,
            )
    return manager
