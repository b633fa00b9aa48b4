"""The index every read of a user's notifications uses: ``(user, read_at, id)``.

The unread count and the unread list are its ``read_at IS NULL`` range for the user, in id
order (newest first read backwards); the full list is the user's range. It also serves the
cascade when a user is deleted, so the foreign key has no index of its own.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.db.raw import drop_indexes, execute_each

ID = "2026-12-01T09:41:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index notifications by user, read state and id"

STATEMENTS = ['CREATE INDEX crm_notification_inbox ON crm_notification ("user", read_at, id)']


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
