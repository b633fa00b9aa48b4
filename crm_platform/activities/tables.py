"""One timeline model for what happened and what must happen."""

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.users.tables import User


class Activity(Table, tablename="crm_activity"):
    type = Varchar(length=60, index=True)
    subject = Varchar(length=300, default="")
    body = Text(default="")
    occurred_at = Timestamptz(default=TimestamptzNow(), index=True)
    direction = Varchar(length=10, default="")
    channel = Varchar(length=60, default="")
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    due_at = Timestamptz(null=True, default=None, index=True)
    # When a meeting or call ended; none for a moment (a note, an email) or a task.
    ends_at = Timestamptz(null=True, default=None)
    assignee = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    done = Boolean(default=False)
    done_at = Timestamptz(null=True, default=None)
    reminded_at = Timestamptz(null=True, default=None)
    # When the assignee was told the task is overdue (a day past due and still open).
    overdue_reminded_at = Timestamptz(null=True, default=None)
    source = Varchar(length=60, default="")
    external_id = Varchar(length=255, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ActivityLink(Table, tablename="crm_activity_link"):
    """An activity appears on the timeline of every record it links to.

    ``occurred_at`` is copied from the activity so a timeline is one index range scan.
    """

    activity = ForeignKey(references=Activity, on_delete=OnDelete.cascade, index=True)
    record_type = Varchar(length=40)
    record_id = Integer()
    role = Varchar(length=20, default="about")
    occurred_at = Timestamptz(default=TimestamptzNow())
