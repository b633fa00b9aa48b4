"""Typed, directional links between any two contacts or companies."""

from piccolo.columns import Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Relationship(Table, tablename="crm_relationship"):
    type = Varchar(length=60)
    source_type = Varchar(length=20)
    source_id = Integer()
    target_type = Varchar(length=20)
    target_id = Integer()
    role = Varchar(length=100, default="")
    since = Date(null=True, default=None)
    until = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    created_by = Integer(null=True, default=None)
