"""The sales tables. Core tables are referenced by name through the ``crm`` app, so this
module needs nothing from the core but its Piccolo app registry."""

from decimal import Decimal

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LazyTableReference,
    Numeric,
    OnDelete,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

STAGE_KINDS = ("open", "won", "lost")
CONTACT_ROLES = ("decision_maker", "champion", "influencer", "user", "other")


def _core(table_class_name: str) -> LazyTableReference:
    return LazyTableReference(table_class_name=table_class_name, app_name="crm")


class Pipeline(Table, tablename="sales_pipeline"):
    name = Varchar(length=100, unique=True)
    position = Integer(default=0)
    is_default = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class Stage(Table, tablename="sales_stage"):
    """A column of a pipeline. ``kind`` is ``won`` or ``lost`` for the two terminal stages."""

    pipeline = ForeignKey(references=Pipeline, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    position = Integer(default=0)
    probability = Integer(default=0)
    kind = Varchar(length=10, default="open")
    stale_after_days = Integer(null=True, default=None)


class Deal(Table, tablename="sales_deal"):
    """``probability`` is the stage's default unless ``probability_set``; ``furthest_position``
    is the furthest open stage reached, which the funnel counts without reading the history."""

    title = Varchar(length=200)
    amount = Numeric(digits=(14, 2), default=Decimal(0))
    currency = Varchar(length=3, default="EUR")
    expected_close_date = Date(null=True, default=None)
    close_month = Varchar(length=7, null=True, default=None, index=True)
    probability = Integer(default=0)
    probability_set = Boolean(default=False)
    pipeline = ForeignKey(references=Pipeline, on_delete=OnDelete.restrict)
    stage = ForeignKey(references=Stage, on_delete=OnDelete.restrict)
    status = Varchar(length=10, default="open")
    furthest_position = Integer(default=0)
    owner = ForeignKey(references=_core("User"), null=True, on_delete=OnDelete.set_null, index=True)
    company = ForeignKey(references=_core("Company"), null=True, on_delete=OnDelete.set_null, index=True)
    next_step = Varchar(length=300, default="")
    next_step_date = Date(null=True, default=None)
    source = Varchar(length=100, default="")
    lost_reason = Varchar(length=100, null=True, default=None)
    stage_entered_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)
    cycle_days = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class DealContact(Table, tablename="sales_deal_contact"):
    deal = ForeignKey(references=Deal, on_delete=OnDelete.cascade, index=True)
    contact = ForeignKey(references=_core("Contact"), on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=20, default="other")


class StageChange(Table, tablename="sales_stage_change"):
    """Every move of a deal; the first row of a deal has no ``stage_from``."""

    deal = ForeignKey(references=Deal, on_delete=OnDelete.cascade, index=True)
    stage_from = ForeignKey(references=Stage, null=True, on_delete=OnDelete.set_null)
    stage_to = ForeignKey(references=Stage, on_delete=OnDelete.cascade)
    changed_by = ForeignKey(references=_core("User"), null=True, on_delete=OnDelete.set_null)
    changed_at = Timestamptz(default=TimestamptzNow())


class ForecastCell(Table, tablename="sales_forecast_cell"):
    """Deals counted and summed per forecast group, kept in step with every deal write, so the
    forecast reads a few thousand cells instead of every deal. ``owner`` 0 stands for none,
    ``""`` for no close month (and for closed deals) or no lost reason."""

    pipeline = Integer()
    currency = Varchar(length=3)
    status = Varchar(length=10)
    owner = Integer(default=0)
    close_month = Varchar(length=7, default="")
    lost_reason = Varchar(length=100, default="")
    furthest_position = Integer(default=0)
    deals = BigInt(default=0)
    amount = Numeric(digits=(20, 2), default=Decimal(0))
    weighted = Numeric(digits=(22, 2), default=Decimal(0))
    cycle_days = BigInt(default=0)
