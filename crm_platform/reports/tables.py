"""What users keep of reports: dashboards of report widgets, and reports emailed on a schedule."""

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.users.tables import User

SHARING = ("private", "team", "everyone")
FREQUENCIES = ("daily", "weekly", "monthly")


class Dashboard(Table, tablename="crm_dashboard"):
    """A page of report widgets. ``widgets`` is the ordered list ``[{"report", "params"}]``;
    ``filters`` the date range and team applied to every widget; ``shared`` says who else
    sees it (``team`` means the owner's team)."""

    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    shared = Varchar(length=20, default="private")
    widgets = JSON(default=[])
    filters = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ReportSchedule(Table, tablename="crm_report_schedule"):
    """A report emailed to its owner daily, weekly or monthly, with the filters it was saved with."""

    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    report = Varchar(length=100)
    filters = JSON(default={})
    frequency = Varchar(length=10, default="weekly")
    # When it is next sent; the job picks up every schedule whose moment has come.
    next_run_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_sent_at = Timestamptz(null=True, default=None)
    runs = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class SavedReport(Table, tablename="crm_saved_report"):
    """A report a user built: a record kind, what to group by and what to measure, private or
    shared with the owner's team or everyone. Run as the report ``saved.<id>``."""

    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    kind = Varchar(length=100)
    group_by = Varchar(length=100)
    measure = Varchar(length=10, default="count")
    value = Varchar(length=100, default="")
    chart = Varchar(length=10, default="bar")
    shared = Varchar(length=20, default="private")
    created_at = Timestamptz(default=TimestamptzNow())


class ActivityDay(Table, tablename="crm_report_activity_day"):
    """How many activities of one owner and person (a task's assignee, else its owner) count
    towards ``kind`` on ``day`` (UTC, ``YYYY-MM-DD``): ``logged:<type>`` by the day it
    occurred, ``done`` by the day a task was done, ``due:on_time|late|open`` by the day it is
    due. The reports over activities read these instead of the activities themselves.
    ``key`` joins the four so an upsert finds the row; 0 stands for nobody."""

    key = Varchar(length=120, unique=True)
    day = Varchar(length=10, index=True)
    kind = Varchar(length=80)
    owner = Integer(default=0)
    person = Integer(default=0)
    n = Integer(default=0)


class ActivityTally(Table, tablename="crm_report_activity_tally"):
    """What each activity last added to :class:`ActivityDay`, so an edit or a deletion takes
    back exactly that, whatever the activity looks like now (or whether it is gone)."""

    activity = Integer(unique=True)
    owner = Integer(default=0)
    person = Integer(default=0)
    type = Varchar(length=60, default="")
    logged_day = Varchar(length=10, null=True, default=None)
    done_day = Varchar(length=10, null=True, default=None)
    due_day = Varchar(length=10, null=True, default=None)
    due_state = Varchar(length=10, default="")


class ContactDay(Table, tablename="crm_report_contact_day"):
    """How many contacts of one owner count towards ``kind`` on ``day`` (UTC, ``YYYY-MM-DD``):
    ``created`` by the day a contact was created, with its stage and source now (the
    lifecycle funnel and sources), and ``touched`` by the day it was last contacted, else
    created (follow-up's contacts left untouched). ``key`` joins the five so an upsert finds
    the row; owner 0 stands for nobody."""

    key = Varchar(length=200, unique=True)
    day = Varchar(length=10, index=True)
    kind = Varchar(length=10)
    owner = Integer(default=0)
    stage = Varchar(length=20, default="")
    source = Varchar(length=100, default="")
    n = Integer(default=0)


class ContactTally(Table, tablename="crm_report_contact_tally"):
    """What each contact last added to :class:`ContactDay`; ``touched_at`` (its last contact,
    else its creation) also answers the one day of "untouched for N days" that the day counts
    cannot split."""

    contact = Integer(unique=True)
    owner = Integer(default=0)
    created_day = Varchar(length=10, null=True, default=None)
    stage = Varchar(length=20, default="")
    source = Varchar(length=100, default="")
    touched_at = Timestamptz(null=True, default=None, index=True)
    touched_day = Varchar(length=10, null=True, default=None)
