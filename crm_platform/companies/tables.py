"""Organisations, in a hierarchy."""

from piccolo.columns import JSON, ForeignKey, LazyTableReference, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.users.tables import User


class Company(Table, tablename="crm_company"):
    name = Varchar(length=200, index=True)
    domains = JSON(default=[])
    industry = Varchar(length=100, default="")
    size = Varchar(length=20, default="")
    parent = ForeignKey(
        references=LazyTableReference("Company", module_path=__name__),
        null=True,
        on_delete=OnDelete.set_null,
        index=True,
    )
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    tags = JSON(default=[])
    custom = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow(), index=True)
