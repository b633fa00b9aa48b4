"""The plugin's own table, prefixed with its slug; it references the core's contacts."""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class ProbeNote(Table, tablename="probe_note"):
    # The core's tables are reached through its Piccolo app ("crm"), not by importing them.
    contact = ForeignKey(
        references=LazyTableReference("Contact", app_name="crm"), on_delete=OnDelete.cascade, index=True
    )
    text = Text()
    author_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
