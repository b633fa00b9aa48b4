"""People, and the history of their lifecycle stage."""

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.users.tables import User

LIFECYCLE_STAGES = ("lead", "prospect", "customer", "former")


class Contact(Table, tablename="crm_contact"):
    given_name = Varchar(length=100, default="")
    family_name = Varchar(length=100, default="")
    # Not indexed alone: the composite keyset indexes of migration 0002 lead with these
    # columns (display_name, updated_at) or owner (0004), and serve every lookup on them.
    display_name = Varchar(length=200)
    # The primary email is unique across contacts; every address is also in ``emails``.
    primary_email = Varchar(length=254, null=True, default=None, unique=True)
    emails = JSON(default=[])
    phones = JSON(default=[])
    job_title = Varchar(length=200, default="")
    # Not indexed: a stage holds a large share of all contacts, and with an index SQLite would
    # sort every contact of the stage to show one page; walking the list's order and skipping
    # the other stages reads a few rows per match instead.
    lifecycle_stage = Varchar(length=20, default="lead")
    lifecycle_changed_at = Timestamptz(default=TimestamptzNow())
    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    tags = JSON(default=[])
    source = Varchar(length=100, default="")
    custom = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    last_contacted_at = Timestamptz(null=True, default=None)


class LifecycleChange(Table, tablename="crm_lifecycle_change"):
    contact = ForeignKey(references=Contact, on_delete=OnDelete.cascade, index=True)
    stage_from = Varchar(length=20, null=True, default=None)
    stage_to = Varchar(length=20)
    changed_at = Timestamptz(default=TimestamptzNow())
    changed_by = Integer(null=True, default=None)
