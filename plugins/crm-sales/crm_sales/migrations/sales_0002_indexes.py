"""Indexes for the board and the lists, which Piccolo columns cannot declare."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import drop_indexes, execute_each

ID = "2026-11-22T21:25:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes of the sales tables"

STATEMENTS = [
    "CREATE INDEX sales_deal_board ON sales_deal (pipeline, status, stage, amount, id)",
    "CREATE INDEX sales_deal_board_totals ON sales_deal (pipeline, status, stage, currency, owner, amount)",
    "CREATE INDEX sales_deal_updated_keyset ON sales_deal (updated_at, id)",
    "CREATE INDEX sales_deal_created_keyset ON sales_deal (created_at, id)",
    "CREATE INDEX sales_deal_title_keyset ON sales_deal (title, id)",
    "CREATE UNIQUE INDEX sales_deal_contact_unique ON sales_deal_contact (deal, contact)",
    "CREATE INDEX sales_stage_change_by_deal ON sales_stage_change (deal, changed_at)",
    "CREATE UNIQUE INDEX sales_stage_position ON sales_stage (pipeline, position)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="sales", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
