"""Every attempt of the job, and its effect (at most one per item)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import execute_each

ID = "2026-11-22T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "attempts and effects"

CREATE = [
    "CREATE TABLE jobprobe_attempt (item_id INTEGER NOT NULL, pid INTEGER NOT NULL)",
    "CREATE TABLE jobprobe_effect (item_id INTEGER PRIMARY KEY, pid INTEGER NOT NULL)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="jobprobe", description=DESCRIPTION)
    manager.add_raw(execute_each(CREATE))
    manager.add_raw_backwards(execute_each(["DROP TABLE jobprobe_effect", "DROP TABLE jobprobe_attempt"]))
    return manager
