"""The event outbox ``crm_outbox`` and its delivery ledger ``crm_outbox_delivery``: events are
written in the transaction that raised them, so a process killed after the commit and before
the delivery leaves them for the worker.

The tables as they stand here, frozen.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.db.raw import add_tables

ID = "2026-12-01T18:37:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Event outbox"


class OutboxEvent(Table, tablename="crm_outbox", schema=None):
    event_id = Varchar(length=32, unique=True)
    name = Varchar(length=200)
    payload = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    claimed_until = Timestamptz(default=TimestamptzNow())


class OutboxDelivery(Table, tablename="crm_outbox_delivery", schema=None):
    key = Varchar(length=200, unique=True)
    delivered_at = Timestamptz(default=TimestamptzNow())


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    add_tables(manager, [OutboxEvent, OutboxDelivery])
    return manager
