"""The composite indexes the lists and the matching read, which Piccolo columns cannot declare;
a step of their own because Piccolo runs raw steps before it adds tables."""

from crm_platform.toolkit import drop_indexes, execute_each
from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T15:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes of the real estate tables"

# Listings for a buyer: one range per wanted area and type, in price order; the agent's for
# the visibility rule. Buyers for a listing: one range of (what they seek, area, type, budget).
INDEXES = [
    "CREATE INDEX realestate_property_match ON realestate_property (status, area_key, type, price)",
    "CREATE INDEX realestate_property_price ON realestate_property (status, price)",
    "CREATE INDEX realestate_property_agent ON realestate_property (agent, created_at)",
    "CREATE INDEX realestate_property_created ON realestate_property (created_at, id)",
    "CREATE INDEX realestate_wish_match ON realestate_wish (seeks, area_key, type, budget_min, budget_max)",
    "CREATE INDEX realestate_wish_contact ON realestate_wish (contact_id)",
    "CREATE UNIQUE INDEX realestate_deal_link_unique ON realestate_deal_link (property_id, deal_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="realestate", description=DESCRIPTION)
    manager.add_raw(execute_each(INDEXES))
    manager.add_raw_backwards(drop_indexes(INDEXES))
    return manager
