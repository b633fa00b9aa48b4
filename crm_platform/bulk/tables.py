"""A bulk action too big to run inside a request: the selection, frozen when it was asked
for, and how far the job has got."""

from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class BulkRun(Table, tablename="crm_bulk_run"):
    user_id = Integer(index=True)
    record_type = Varchar(length=60)
    action = Varchar(length=20)
    params = JSON(default={})
    record_ids = JSON(default=[])
    total = Integer(default=0)
    done = Integer(default=0)
    changed = Integer(default=0)
    trash_ids = JSON(default=[])
    state = Varchar(length=12, default="queued")
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
