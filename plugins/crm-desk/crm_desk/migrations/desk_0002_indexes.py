"""Indexes for the queues and the fire-once SLA flags, which Piccolo columns cannot declare."""

from crm_platform.toolkit import drop_indexes, execute_each
from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T15:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes of the desk tables"

STATEMENTS = [
    "CREATE UNIQUE INDEX desk_sla_flag_once ON desk_sla_flag (ticket, target, flag)",
    "CREATE INDEX desk_ticket_due ON desk_ticket (next_due, id)",
    "CREATE INDEX desk_ticket_at_risk_due ON desk_ticket (at_risk, next_due, id)",
    "CREATE INDEX desk_ticket_status_due ON desk_ticket (status, next_due, id)",
    "CREATE INDEX desk_ticket_owner_due ON desk_ticket (owner, next_due, id)",
    "CREATE INDEX desk_ticket_team_due ON desk_ticket (team_id, next_due, id)",
    "CREATE INDEX desk_ticket_created_keyset ON desk_ticket (created_at, id)",
    "CREATE INDEX desk_ticket_requester_keyset ON desk_ticket (requester_id, id)",
    "CREATE INDEX desk_message_by_ticket ON desk_message (ticket, created_at, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="desk", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
