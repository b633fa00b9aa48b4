"""The daily contact counts the reports read (``crm_report_contact_day``) and what each
contact added to them (``crm_report_contact_tally``). The tables as they stand here, frozen.

An existing database fills them with ``crm report rebuild-aggregates``.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Timestamptz, Varchar
from piccolo.table import Table

from crm_platform.db.raw import add_tables

ID = "2026-12-01T18:38:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Daily contact aggregates for the reports"


class ContactDay(Table, tablename="crm_report_contact_day", schema=None):
    key = Varchar(length=200, unique=True)
    day = Varchar(length=10, index=True)
    kind = Varchar(length=10)
    owner = Integer(default=0)
    stage = Varchar(length=20, default="")
    source = Varchar(length=100, default="")
    n = Integer(default=0)


class ContactTally(Table, tablename="crm_report_contact_tally", schema=None):
    contact = Integer(unique=True)
    owner = Integer(default=0)
    created_day = Varchar(length=10, null=True, default=None)
    stage = Varchar(length=20, default="")
    source = Varchar(length=100, default="")
    touched_at = Timestamptz(null=True, default=None, index=True)
    touched_day = Varchar(length=10, null=True, default=None)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    add_tables(manager, [ContactDay, ContactTally])
    return manager
