"""Events waiting for delivery, and which listener has had which recovered event."""

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OutboxEvent(Table, tablename="crm_outbox"):
    event_id = Varchar(length=32, unique=True)
    # ``module:QualifiedName`` of the event's class, and its fields as JSON.
    name = Varchar(length=200)
    payload = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    # The process that wrote the event delivers it until then; after that, it is taken for dead
    # and the worker delivers the event instead.
    claimed_until = Timestamptz(default=TimestamptzNow())


class OutboxDelivery(Table, tablename="crm_outbox_delivery"):
    # ``event_id:plugin``: a recovered event reaches each listener once.
    key = Varchar(length=200, unique=True)
    delivered_at = Timestamptz(default=TimestamptzNow())
