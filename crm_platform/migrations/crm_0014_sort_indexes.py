"""The ``(column, id)`` indexes behind every sort the contact and company lists offer.

Keyset pages seek ``(column, id)`` to the cursor; without the pair an engine sorts the whole
table for each page (and PostgreSQL, given ``updated_at`` alone, still sorts its ties by id).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.db.raw import drop_indexes, execute_each

ID = "2026-12-01T12:07:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes for sorting contacts by stage and companies by industry, added and updated"

STATEMENTS = [
    "CREATE INDEX crm_contact_stage_keyset ON crm_contact (lifecycle_stage, id)",
    "CREATE INDEX crm_company_industry_keyset ON crm_company (industry, id)",
    "CREATE INDEX crm_company_created_keyset ON crm_company (created_at, id)",
    "CREATE INDEX crm_company_updated_keyset ON crm_company (updated_at, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
