"""The indexes of the import tables of migration 0012.

A run's rows in order (resume, the dry-run table, the CSV) and one row by number; "what
happened to this email / external id?"; the record each source's external id became, and
the way back from a record to its keys.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.db.raw import drop_indexes, execute_each

ID = "2026-12-01T12:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Index import rows and external ids"

STATEMENTS = [
    "CREATE UNIQUE INDEX crm_import_row_number ON crm_import_row (run, phase, row_number)",
    "CREATE INDEX crm_import_row_external ON crm_import_row (run, external_id)",
    "CREATE UNIQUE INDEX crm_import_key_external ON crm_import_key (record_type, source, external_id)",
    "CREATE INDEX crm_import_key_record ON crm_import_key (record_type, record_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
