"""Who changed what, when, from what to what."""

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEntry(Table, tablename="crm_audit_entry"):
    at = Timestamptz(default=TimestamptzNow())
    # A plain id rather than a foreign key: the history outlives the user.
    actor_id = Integer(null=True, default=None)
    record_type = Varchar(length=60)
    record_id = Integer()
    action = Varchar(length=10)
    changes = JSON(default={})
