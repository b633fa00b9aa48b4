"""``crm demo`` fills the conversations pages; the committed migration matches the tables."""

from __future__ import annotations

from crm_conversations.piccolo_app import APP_CONFIG
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from crm_platform.toolkit import fetch


async def test_the_demo_imports_a_small_mailbox_onto_timelines(crm_cli, web_client):
    result = crm_cli("demo", "--contacts", "60", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "demo messages (1 skipped)" in result.output
    messages = await fetch("SELECT count(*) AS n, count(activity) AS linked FROM conversations_message")
    assert messages[0]["n"] > 2 and messages[0]["linked"] == messages[0]["n"] - 1  # the stranger waits
    page = await web_client.get("/conversations/")
    assert "Sam Stranger" in page.text and "Re: " in page.text


async def test_the_tables_need_no_migration_beyond_the_committed_ones(crm_app):
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=APP_CONFIG)
    assert [statement for group in statements for statement in group.statements] == []
