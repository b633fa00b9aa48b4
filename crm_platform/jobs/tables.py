"""The job ledger: what was enqueued, and whether it finished."""

from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class JobRun(Table, tablename="crm_job_run"):
    """One enqueued job. A run that started and never finished is enqueued again, so a
    job killed half-way is retried; jobs are idempotent, so it does its work once."""

    key = Varchar(length=200, unique=True)
    job_name = Varchar(length=100)
    kwargs = JSON(default={})
    state = Varchar(length=12, default="queued", index=True)
    attempts = Integer(default=0)
    enqueued_at = Timestamptz(default=TimestamptzNow())
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    error = Text(default="")
