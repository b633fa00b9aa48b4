"""The plugin's tables, prefixed with its slug. They reference the core's contacts and users
through the core's Piccolo app; the core never references them."""

from decimal import Decimal

from piccolo.columns import JSON, ForeignKey, Integer, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

NUMBER_LENGTH = 64


def _core(name: str) -> LazyTableReference:
    return LazyTableReference(table_class_name=name, app_name="crm")


class Order(Table, tablename="retail_order"):
    # The shop's own order number (Shopify's "#1001"); imports match re-runs by it.
    number = Varchar(length=NUMBER_LENGTH, unique=True)
    # Set to null, not cascaded, when the contact goes: the trash puts it back on restore.
    contact = ForeignKey(references=_core("Contact"), null=True, on_delete=OnDelete.set_null, index=True)
    owner = ForeignKey(references=_core("User"), null=True, on_delete=OnDelete.set_null, index=True)
    ordered_at = Timestamptz(default=TimestamptzNow(), index=True)
    status = Varchar(length=20, default="paid")
    currency = Varchar(length=3, default="EUR")
    total = Numeric(digits=(14, 2), default=Decimal(0))
    # The line items as JSON text ([{"product", "quantity", "unit_price"}]): a text column, so
    # an import maps a column to it like any other field.
    lines = Text(default="[]")
    customer_email = Varchar(length=254, null=True, default=None)
    tags = JSON(default=[])
    custom = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PointsEntry(Table, tablename="retail_points"):
    """One movement of a contact's loyalty points: earned by an order (positive) or redeemed
    (negative). The balance is their sum."""

    contact = ForeignKey(references=_core("Contact"), on_delete=OnDelete.cascade, index=True)
    # An order's points go to the trash and come back with it (the key cascades).
    order_id = ForeignKey(references=Order, null=True, on_delete=OnDelete.cascade, index=True)
    points = Integer(default=0)
    reason = Varchar(length=200, default="")
    actor = ForeignKey(references=_core("User"), null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class RfmScore(Table, tablename="retail_rfm"):
    """A contact's recency, frequency and monetary quintiles (1 to 5) and the segment they
    place it in, as the nightly job last computed them."""

    contact = ForeignKey(references=_core("Contact"), on_delete=OnDelete.cascade, unique=True)
    last_order_at = Timestamptz(null=True, default=None)
    frequency = Integer(default=0)
    monetary = Numeric(digits=(16, 2), default=Decimal(0))
    r = Integer(default=1)
    f = Integer(default=1)
    m = Integer(default=1)
    segment = Varchar(length=20, default="", index=True)
    computed_at = Timestamptz(default=TimestamptzNow())
