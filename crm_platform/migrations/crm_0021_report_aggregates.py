"""The daily activity counts the reports read (``crm_report_activity_day``) and what each
activity added to them (``crm_report_activity_tally``). The tables as they stand here, frozen.

An existing database fills them with ``crm report rebuild-aggregates``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Varchar
from piccolo.table import Table

from crm_platform.db.raw import add_tables

ID = "2026-12-01T16:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Daily activity aggregates for the reports"


class ActivityDay(Table, tablename="crm_report_activity_day", schema=None):
    key = Varchar(length=120, unique=True)
    day = Varchar(length=10, index=True)
    kind = Varchar(length=80)
    owner = Integer(default=0)
    person = Integer(default=0)
    n = Integer(default=0)


class ActivityTally(Table, tablename="crm_report_activity_tally", schema=None):
    activity = Integer(unique=True)
    owner = Integer(default=0)
    person = Integer(default=0)
    type = Varchar(length=60, default="")
    logged_day = Varchar(length=10, null=True, default=None)
    done_day = Varchar(length=10, null=True, default=None)
    due_day = Varchar(length=10, null=True, default=None)
    due_state = Varchar(length=10, default="")


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    add_tables(manager, [ActivityDay, ActivityTally])
    return manager
