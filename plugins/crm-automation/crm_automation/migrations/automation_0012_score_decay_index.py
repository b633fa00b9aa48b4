"""The index the nightly rescoring pages through: fading scores in contact order (Piccolo
columns cannot declare a two-column index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import drop_indexes, execute_each

ID = "2026-12-01T23:31:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "Fading lead scores in contact order"

INDEXES = ["CREATE INDEX automation_score_decaying ON automation_score (decaying, contact)"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="automation", description=DESCRIPTION)
    manager.add_raw(execute_each(INDEXES))
    manager.add_raw_backwards(drop_indexes(INDEXES))
    return manager
