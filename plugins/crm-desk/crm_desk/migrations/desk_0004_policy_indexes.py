"""Indexes that keep one SLA policy per company and category and one presence row per agent
and ticket, which Piccolo columns cannot declare."""

from crm_platform.toolkit import drop_indexes, execute_each
from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T18:11:16:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique indexes of SLA policies and presence"

STATEMENTS = [
    # A policy without a company is stored with NULL; COALESCE makes two such policies of one
    # category collide on both engines.
    "CREATE UNIQUE INDEX desk_sla_policy_scope ON desk_sla_policy (COALESCE(company_id, 0), LOWER(category))",
    "CREATE UNIQUE INDEX desk_presence_once ON desk_presence (ticket, user_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="desk", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
