"""The index that keeps a record in a static list once (Piccolo columns cannot declare it)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import drop_indexes, execute_each

ID = "2026-12-01T16:10:27:000000"
VERSION = "1.38.0"
DESCRIPTION = "A record is in a static list once"

INDEXES = ["CREATE UNIQUE INDEX automation_segment_member_once ON automation_segment_member (segment, record_id)"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="automation", description=DESCRIPTION)
    manager.add_raw(execute_each(INDEXES))
    manager.add_raw_backwards(drop_indexes(INDEXES))
    return manager
