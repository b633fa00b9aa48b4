"""Purging a plugin deletes what it stored, and nothing else: its tables go (its migrations are
reversed), its rows in the core's tables go, the audit log and everyone else's data stay.

The plugin is ``probe`` (tests/plugins/crm-testplugin): table ``probe_note``, custom field
``contact.probe_score``, setting ``greeting``.
"""

from __future__ import annotations

import json
import types

import pytest
from crm_hookspecs import PluginInfo, hookimpl

from crm_platform import runtime
from crm_platform.db.engine import is_sqlite
from crm_platform.db.raw import execute, fetch
from crm_platform.errors import Invalid
from crm_platform.instance import purge
from crm_platform.records.tables import CustomField
from crm_platform.search.index import Entry, upsert


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]


async def _tables(prefix: str) -> set[str]:
    if is_sqlite(runtime.current().engine):
        rows = await fetch("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE {}", f"{prefix}%")
    else:
        rows = await fetch(
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE {}", f"{prefix}%"
        )
    return {row["name"] for row in rows}


async def _column(sql: str, *args: object) -> list:
    return [next(iter(row.values())) for row in await fetch(sql, *args)]


@pytest.fixture
async def stored(crm_client) -> dict[str, int]:
    """Data of the probe plugin and of others, in the plugin's table and in the core's."""
    await CustomField.insert(CustomField(record_type="contact", key="vip", label="VIP", kind="text"))
    contact = (
        await crm_client.post(
            "/api/v1/contacts", json={"given_name": "Ada", "custom": {"probe_score": 3, "vip": "yes"}}
        )
    ).json()
    note = await crm_client.post("/api/v1/probe/notes", json={"contact_id": contact["id"], "text": "first call"})
    assert note.status_code == 201, note.text
    activity = await crm_client.post(
        "/api/v1/activities",
        json={
            "type": "call",
            "subject": "Called Ada",
            "links": [
                {"record_type": "contact", "record_id": contact["id"]},
                {"record_type": "probe.note", "record_id": note.json()["id"]},
            ],
        },
    )
    assert activity.status_code == 201, activity.text
    await execute(
        "INSERT INTO crm_setting (namespace, key, value) VALUES ({}, {}, {}), ({}, {}, {})",
        "probe", "greeting", json.dumps("hi"), "other", "greeting", json.dumps("kept"),
    )
    await execute(
        "INSERT INTO crm_tagging (record_type, record_id, tag) VALUES ({}, {}, {})", "probe.note", 1, "hot"
    )
    await upsert([Entry("probe.note", 1, "first call", "", ("first call",), None)])
    return {"contact": contact["id"], "note": note.json()["id"], "activity": activity.json()["id"]}


async def test_purge_drops_the_plugins_tables_and_forgets_its_migrations(crm_client, stored):
    assert await _tables("probe_") == {"probe_note"}
    purged = await purge.purge(runtime.current().host, "probe")
    assert purged.database_apps == ("probe",)
    assert await _tables("probe_") == set()
    assert await _column("SELECT name FROM migration WHERE app_name = {}", "probe") == []
    assert await _column("SELECT count(*) FROM migration WHERE app_name = {}", "crm") != [0]


async def test_purge_removes_the_plugins_rows_from_core_tables(crm_client, stored):
    purged = await purge.purge(runtime.current().host, "probe")
    assert purged.rows["crm_activity_link"] == 1
    assert purged.rows["crm_setting"] == 1
    assert purged.rows["crm_tagging"] == 1
    assert purged.rows["crm_search_entry"] == 1
    assert purged.rows["crm_contact.custom"] == 1
    assert await _column("SELECT record_type FROM crm_activity_link WHERE activity = {}", stored["activity"]) == [
        "contact"
    ]
    assert await _column("SELECT namespace FROM crm_setting") == ["other"]
    assert await _column("SELECT count(*) FROM crm_tagging WHERE record_type = {}", "probe.note") == [0]
    assert await _column("SELECT kind FROM crm_search_entry ORDER BY kind") == ["contact"]
    # Kept, switched off, so a start with CRM_PLUGINS=all does not turn it on without its tables.
    assert await _column("SELECT enabled FROM crm_plugin_state WHERE slug = {}", "probe") in ([0], [False])
    assert not runtime.current().host.is_active("probe")


async def test_purge_removes_only_the_plugins_custom_field_values(crm_client, stored):
    await purge.purge(runtime.current().host, "probe")
    contact = (await crm_client.get(f"/api/v1/contacts/{stored['contact']}")).json()
    assert contact["custom"] == {"vip": "yes"}
    assert contact["given_name"] == "Ada"


async def test_purge_keeps_the_audit_log_and_everyone_elses_records(crm_client, stored):
    audited = await _column("SELECT action FROM crm_audit_entry WHERE record_type = {}", "probe_note")
    await purge.purge(runtime.current().host, "probe")
    assert await _column("SELECT action FROM crm_audit_entry WHERE record_type = {}", "probe_note") == audited
    assert audited == ["create"]
    assert (await crm_client.get(f"/api/v1/activities/{stored['activity']}")).status_code == 200
    timeline = (await crm_client.get(f"/api/v1/contacts/{stored['contact']}/timeline")).json()
    assert "Called Ada" in json.dumps(timeline)


async def test_purging_again_finishes_a_purge_and_finds_nothing_left(crm_client, stored):
    await purge.purge(runtime.current().host, "probe")
    again = await purge.purge(runtime.current().host, "probe")
    assert {table: count for table, count in again.rows.items() if count} == {}
    assert await _tables("probe_") == set()


async def test_purge_refuses_a_plugin_that_is_not_installed(crm_client):
    with pytest.raises(Invalid) as refused:
        purge.plan(runtime.current().host, "nosuch")
    assert "no plugin named 'nosuch' is installed (installed: probe)" == refused.value.errors["slug"]


def test_like_prefix_matches_underscores_literally():
    assert purge._like_prefix("my_app.") == "my\\_app.%"


def _plugin_needing_probe() -> types.ModuleType:
    module = types.ModuleType("needs_probe")

    @hookimpl
    def crm_plugin_info() -> PluginInfo:
        return PluginInfo(label="Needs probe", depends_on=("probe",))

    module.crm_plugin_info = crm_plugin_info
    return module


@pytest.mark.parametrize("crm_database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("crm_plugins", [["probe", ("needsprobe", _plugin_needing_probe())]])
async def test_purge_refuses_a_plugin_another_depends_on(crm_client, crm_plugins):
    with pytest.raises(Invalid) as refused:
        await purge.purge(runtime.current().host, "probe")
    assert refused.value.errors["slug"] == "plugin 'probe' is needed by needsprobe; remove those first"
    assert await _tables("probe_") == {"probe_note"}
