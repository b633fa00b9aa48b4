"""Indexes Piccolo columns cannot declare: one that covers the RFM scoring, so the nightly job
reads an index in customer order instead of a row per order, and the keysets of the lists."""

from crm_platform.toolkit import drop_indexes, execute_each
from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T15:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Indexes of the retail tables"

STATEMENTS = [
    "CREATE INDEX retail_order_rfm ON retail_order (contact, status, ordered_at, currency, total)",
    "CREATE INDEX retail_order_keyset ON retail_order (ordered_at, id)",
    "CREATE INDEX retail_points_by_contact ON retail_points (contact, created_at, id)",
    "CREATE INDEX retail_rfm_by_segment ON retail_rfm (segment, contact)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="retail", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
