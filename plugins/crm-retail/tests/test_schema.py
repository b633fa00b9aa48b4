"""The plugin's committed migration makes exactly its tables."""

from __future__ import annotations

from piccolo.apps.migrations.commands.new import AutoMigrationManager

from crm_retail.piccolo_app import APP_CONFIG


async def test_the_tables_need_no_migration_beyond_the_committed_ones(crm_app):
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=APP_CONFIG)
    assert [statement for group in statements for statement in group.statements] == []
