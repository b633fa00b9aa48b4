"""Composite indexes and unique constraints that Piccolo columns cannot declare."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from crm_platform.db.raw import drop_indexes, execute_each

ID = "2026-11-22T21:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Composite indexes and unique constraints"

STATEMENTS = [
    "CREATE INDEX crm_contact_name_keyset ON crm_contact (display_name, id)",
    "CREATE INDEX crm_contact_updated_keyset ON crm_contact (updated_at, id)",
    "CREATE INDEX crm_contact_created_keyset ON crm_contact (created_at, id)",
    "CREATE INDEX crm_company_name_keyset ON crm_company (name, id)",
    "CREATE INDEX crm_tagging_by_tag ON crm_tagging (record_type, tag, record_id)",
    "CREATE INDEX crm_tagging_by_record ON crm_tagging (record_type, record_id)",
    "CREATE UNIQUE INDEX crm_relationship_unique ON crm_relationship "
    "(type, source_type, source_id, target_type, target_id)",
    "CREATE INDEX crm_relationship_by_source ON crm_relationship (source_type, source_id)",
    "CREATE INDEX crm_relationship_by_target ON crm_relationship (target_type, target_id)",
    "CREATE UNIQUE INDEX crm_activity_source_external ON crm_activity (source, external_id)",
    "CREATE INDEX crm_activity_open_tasks ON crm_activity (assignee, done, due_at)",
    "CREATE INDEX crm_activity_link_timeline ON crm_activity_link "
    "(record_type, record_id, occurred_at, activity)",
    "CREATE INDEX crm_audit_by_record ON crm_audit_entry (record_type, record_id, at)",
    "CREATE UNIQUE INDEX crm_custom_field_unique ON crm_custom_field (record_type, key)",
    "CREATE UNIQUE INDEX crm_setting_unique ON crm_setting (namespace, key)",
    "CREATE UNIQUE INDEX crm_saved_view_unique ON crm_saved_view (\"user\", record_type, name)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)
    manager.add_raw(execute_each(STATEMENTS))
    manager.add_raw_backwards(drop_indexes(STATEMENTS))
    return manager
