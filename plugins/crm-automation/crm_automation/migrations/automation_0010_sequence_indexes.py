"""The index that does a sequence's step once per enrolment (Piccolo columns cannot declare it)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import drop_indexes, execute_each

ID = "2026-12-01T18:11:25:000000"
VERSION = "1.38.0"
DESCRIPTION = "A sequence's step is done once per enrolment"

INDEXES = ["CREATE UNIQUE INDEX automation_enrolment_step_once ON automation_enrolment_step (enrolment, position)"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="automation", description=DESCRIPTION)
    manager.add_raw(execute_each(INDEXES))
    manager.add_raw_backwards(drop_indexes(INDEXES))
    return manager
