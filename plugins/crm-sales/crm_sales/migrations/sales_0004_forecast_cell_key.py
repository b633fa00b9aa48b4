"""The key of a forecast cell, which the upsert of every deal write relies on."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.toolkit import drop_indexes, execute_each

ID = "2026-11-22T21:51:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique key of the forecast cells"

STATEMENTS = [
    (
        "CREATE UNIQUE INDEX sales_forecast_cell_key ON sales_forecast_cell "
        "(pipeline, currency, status, owner, close_month, lost_reason, furthest_position)"
    ),
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="sales", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
