"""The ledgers of time-based triggers: which occurrence of which record started a run of a
workflow (once: the primary key), and when a workflow last looked at a record."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import execute_each

ID = "2026-12-01T18:05:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "Time-based triggers fire once per occurrence"

TABLES = [
    "CREATE TABLE automation_time_fired (workflow INTEGER NOT NULL REFERENCES automation_workflow (id) "
    "ON DELETE CASCADE, record_kind VARCHAR(60) NOT NULL, record_id INTEGER NOT NULL, occurrence VARCHAR(64) NOT NULL, "
    "fired_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (workflow, record_kind, record_id, occurrence))",
    "CREATE TABLE automation_time_check (workflow INTEGER NOT NULL REFERENCES automation_workflow (id) "
    "ON DELETE CASCADE, record_kind VARCHAR(60) NOT NULL, record_id INTEGER NOT NULL, "
    "checked_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (workflow, record_kind, record_id))",
    "CREATE INDEX automation_time_check_recent ON automation_time_check (workflow, record_kind, checked_at)",
]
DROPS = ["DROP TABLE IF EXISTS automation_time_check", "DROP TABLE IF EXISTS automation_time_fired"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="automation", description=DESCRIPTION)
    manager.add_raw(execute_each(TABLES))
    manager.add_raw_backwards(execute_each(DROPS))
    return manager
