"""Calendar feeds and the indexes of the tasks page and the calendar.

``crm_calendar_feed`` holds one private iCalendar feed per user: the SHA-256 of its secret
token, never the token. It is created here by SQL, with its unique index in the same step,
because Piccolo runs a migration's raw steps before the tables it adds.

The indexes:

- ``(done, due_at, id)``: everyone's open tasks in due order (an admin's tasks page), and
  their counts per due window as one index range.
- ``(owner, occurred_at)``: a user's meetings and calls in a calendar window.
- ``(assignee, due_at)``: a user's tasks in a calendar window, done or not (the open-task
  index ``(assignee, done, due_at)`` only serves open ones).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from crm_platform.db.raw import drop_indexes, execute_each

ID = "2026-12-01T12:03:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Calendar feeds; indexes for tasks and the calendar"

FEED_TABLE = """CREATE TABLE crm_calendar_feed (
    "user" INTEGER PRIMARY KEY REFERENCES crm_user (id) ON DELETE CASCADE,
    token_hash VARCHAR(64) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
)"""
FEED_INDEX = "CREATE UNIQUE INDEX crm_calendar_feed_token ON crm_calendar_feed (token_hash)"

INDEXES = [
    "CREATE INDEX crm_activity_open_by_due ON crm_activity (done, due_at, id)",
    "CREATE INDEX crm_activity_calendar_owner ON crm_activity (owner, occurred_at)",
    "CREATE INDEX crm_activity_calendar_assignee ON crm_activity (assignee, due_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(execute_each([FEED_TABLE, FEED_INDEX, *INDEXES]))

    async def backwards() -> None:
        await drop_indexes(INDEXES)()
        await engine_finder().run_ddl("DROP TABLE crm_calendar_feed")

    manager.add_raw_backwards(backwards)
    return manager
