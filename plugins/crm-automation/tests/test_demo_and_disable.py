"""``crm demo`` loads the demo workflows (switched off); switching the plugin off and on keeps
workflows and runs."""

from __future__ import annotations


async def test_the_demo_loads_its_workflows_switched_off(crm_cli, crm_client):
    result = crm_cli("demo", "--contacts", "50", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "Loaded 2 workflows (switched off)." in result.output
    items = (await crm_client.get("/api/v1/automation/workflows")).json()["items"]
    assert sorted(item["name"] for item in items) == ["Deal won: thank the customer", "Welcome call for new leads"]
    assert [item["enabled"] for item in items] == [False, False]


async def test_switching_the_plugin_off_and_on_keeps_workflows_and_runs(
    crm_client, make_workflow, crm_run_jobs, crm_disable_plugin, crm_enable_plugin, runs_of
):
    workflow = await make_workflow(name="Kept", trigger={"event": "RecordCreated", "kind": "contact"},
                                   steps=[{"action": "automation.add_tag", "tag": "kept"}])
    await crm_client.post("/api/v1/contacts", json={"given_name": "Before"})
    await crm_run_jobs()
    await crm_disable_plugin("automation")
    assert (await crm_client.get("/api/v1/automation/workflows")).status_code == 404
    await crm_client.post("/api/v1/contacts", json={"given_name": "While off"})  # no run: the plugin hears nothing
    await crm_enable_plugin("automation")
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done" and run["record_title"] == "Before"
    assert (await crm_client.get(f"/api/v1/automation/workflows/{workflow['id']}")).json()["enabled"] is True


async def test_the_tables_need_no_migration_beyond_the_committed_ones(crm_app):
    from crm_automation.piccolo_app import APP_CONFIG
    from piccolo.apps.migrations.commands.new import AutoMigrationManager

    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=APP_CONFIG)
    assert [statement for group in statements for statement in group.statements] == []


async def test_a_purge_drops_the_plugins_tables(crm_cli, crm_client, make_workflow):
    from crm_platform.toolkit import fetch

    await make_workflow(name="Gone", trigger={"event": "RecordCreated"}, steps=[{"action": "automation.add_tag",
                                                                                   "tag": "t"}])
    result = crm_cli("plugins", "remove", "automation", "--purge", "--yes")
    assert result.exit_code == 0, result.output
    try:
        await fetch("SELECT id FROM automation_workflow")
    except Exception as exc:  # the table is gone
        assert "automation_workflow" in str(exc)
    else:
        raise AssertionError("automation_workflow survived the purge")
