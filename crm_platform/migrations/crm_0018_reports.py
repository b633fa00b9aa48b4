"""Dashboards (``crm_dashboard``), scheduled reports (``crm_report_schedule``) and the reports
users build (``crm_saved_report``), and the
indexes the built-in reports read ranges of dates through.

The tables as they stand here, frozen. The indexes are on tables that exist already, so
Piccolo running a migration's raw steps before the tables it adds does them no harm.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.db.raw import add_tables, drop_indexes, execute_each

ID = "2026-12-01T12:18:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Dashboards, scheduled and saved reports, and the reports' date indexes"

STATEMENTS = [
    # Covering indexes: each report over activities reads a range of one date and the columns
    # it groups by from the index alone, never the rows (seven times faster on SQLite).
    "CREATE INDEX crm_activity_report_occurred ON crm_activity (occurred_at, type, assignee, owner)",
    "CREATE INDEX crm_activity_report_done ON crm_activity (done_at, assignee, owner) WHERE done_at IS NOT NULL",
    "CREATE INDEX crm_activity_report_due ON crm_activity (due_at, done, done_at, assignee, owner) "
    "WHERE due_at IS NOT NULL",
    # Contacts who came in during a period (funnel, sources), with what the reports group by.
    "CREATE INDEX crm_contact_created_stage ON crm_contact (created_at, lifecycle_stage, source, owner)",
    "CREATE INDEX crm_lifecycle_change_to ON crm_lifecycle_change (stage_to, changed_at)",
    "CREATE INDEX crm_relationship_type_created ON crm_relationship (type, created_at)",
]


class User(Table, tablename="crm_user", schema=None):
    """The table the foreign keys reference, as it stood in 0001 (only its key matters)."""

    id = Serial(primary_key=True, db_column_name="id")


class Dashboard(Table, tablename="crm_dashboard", schema=None):
    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    shared = Varchar(length=20, default="private")
    widgets = JSON(default=[])
    filters = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ReportSchedule(Table, tablename="crm_report_schedule", schema=None):
    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    report = Varchar(length=100)
    filters = JSON(default={})
    frequency = Varchar(length=10, default="weekly")
    next_run_at = Timestamptz(default=TimestamptzNow(), index=True)
    last_sent_at = Timestamptz(null=True, default=None)
    runs = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class SavedReport(Table, tablename="crm_saved_report", schema=None):
    owner = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    kind = Varchar(length=100)
    group_by = Varchar(length=100)
    measure = Varchar(length=10, default="count")
    value = Varchar(length=100, default="")
    chart = Varchar(length=10, default="bar")
    shared = Varchar(length=20, default="private")
    created_at = Timestamptz(default=TimestamptzNow())


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    add_tables(manager, [Dashboard, ReportSchedule, SavedReport])
    return manager
