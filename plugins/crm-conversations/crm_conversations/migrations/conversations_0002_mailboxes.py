"""IMAP mailboxes, where each folder's sync stopped, and the record of every sync (frozen)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, BigInt, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ID = "2026-12-01T18:08:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Conversations: IMAP mailboxes and their syncs"


class User(Table, tablename="crm_user", schema=None):
    """The core table the owners reference (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")


class Mailbox(Table, tablename="conversations_mailbox", schema=None):
    name = Varchar(length=100, unique=True)
    host = Varchar(length=253)
    port = Integer(default=993)
    security = Varchar(length=10, default="tls")
    username = Varchar(length=254)
    password = Text(default="")
    folders = Varchar(length=1000, default="INBOX")
    ca_certificate = Text(default="")
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    sync_started = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class MailboxFolder(Table, tablename="conversations_mailbox_folder", schema=None):
    key = Varchar(length=330, unique=True)
    mailbox = ForeignKey(references=Mailbox, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=300)
    uidvalidity = BigInt(default=0)
    last_uid = BigInt(default=0)
    server_count = Integer(default=0)
    seen = Integer(default=0)


class MailboxSync(Table, tablename="conversations_mailbox_sync", schema=None):
    mailbox = ForeignKey(references=Mailbox, on_delete=OnDelete.cascade, index=True)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=10, default="running")
    error = Text(default="")
    seen = Integer(default=0)
    imported = Integer(default=0)
    skipped = Integer(default=0)
    failed = Integer(default=0)
    run = Integer(null=True, default=None)
    reasons = JSON(default={})
    folders = JSON(default={})


TABLES = (Mailbox, MailboxFolder, MailboxSync)


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
