"""Indexes of the automation tables, which Piccolo columns cannot declare."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import drop_indexes, execute_each

ID = "2026-12-01T15:00:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "The step ledger's once-only index and the indexes runs and deliveries are found by"

INDEXES = [
    # A step is done once: the ledger holds one row per run and position.
    "CREATE UNIQUE INDEX automation_step_once ON automation_step (run, position)",
    "CREATE INDEX automation_run_by_record ON automation_run (record_kind, record_id, id)",
    "CREATE INDEX automation_run_waiting ON automation_run (state, resume_at)",
    "CREATE INDEX automation_delivery_due ON automation_delivery (state, next_attempt_at)",
    "CREATE UNIQUE INDEX automation_inbound_seen_once ON automation_inbound_seen (inbound, message_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="automation", description=DESCRIPTION)
    manager.add_raw(execute_each(INDEXES))
    manager.add_raw_backwards(drop_indexes(INDEXES))
    return manager
