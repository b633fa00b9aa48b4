"""The ``probe`` test plugin, switched off and on again with no change to core code.

``probe`` (tests/plugins/crm-testplugin) adds a table with its own migration, API and web
routes, a nav item, a record panel, a custom field on contacts and an activity type.
"""

from __future__ import annotations

import pytest

from crm_platform import runtime, toolkit
from crm_platform.instance.plugins import set_enabled


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]


async def _set_probe(enabled: bool) -> None:
    await set_enabled(runtime.current().host, "probe", enabled)


async def _contact(client, **fields) -> dict:
    response = await client.post(
        "/api/v1/contacts", json={"given_name": "Ada", "family_name": "Probe", **fields}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _note(client, contact_id: int, text: str = "likes tea"):
    return await client.post("/api/v1/probe/notes", json={"contact_id": contact_id, "text": text})


async def test_plugin_api_stores_notes_in_its_own_table(crm_client):
    contact = await _contact(crm_client)
    created = await _note(crm_client, contact["id"])
    assert created.status_code == 201
    listed = await crm_client.get("/api/v1/probe/notes", params={"contact_id": contact["id"]})
    assert [note["text"] for note in listed.json()] == ["likes tea"]
    rows = await toolkit.fetch("SELECT text FROM probe_note WHERE contact = {}", contact["id"])
    assert rows == [{"text": "likes tea"}]


async def test_plugin_api_refuses_a_note_on_a_missing_contact_naming_the_field(crm_client):
    response = await _note(crm_client, 999_999)
    assert response.status_code == 422
    assert "contact_id" in response.json()["errors"]


async def test_plugins_list_shows_the_plugin_enabled_with_its_distribution(crm_client):
    plugins = {row["slug"]: row for row in (await crm_client.get("/api/v1/plugins")).json()}
    assert plugins["probe"]["state"] == "enabled"
    assert plugins["probe"]["distribution"] == "crm-testplugin"
    assert plugins["probe"]["version"] == "1.0.0"
    assert plugins["probe"]["label"] == "Probe"


async def test_plugins_list_shows_a_disabled_plugin_as_disabled(crm_client):
    await _set_probe(False)
    plugins = {row["slug"]: row for row in (await crm_client.get("/api/v1/plugins")).json()}
    assert plugins["probe"]["state"] == "disabled"
    assert plugins["probe"]["error"] is None


async def test_disabled_plugin_api_answers_404(crm_client):
    contact = await _contact(crm_client)
    await _set_probe(False)
    assert (
        await crm_client.get("/api/v1/probe/notes", params={"contact_id": contact["id"]})
    ).status_code == 404
    assert (await _note(crm_client, contact["id"])).status_code == 404


async def test_disabled_plugin_web_page_answers_404(crm_client):
    assert (await crm_client.get("/probe/")).status_code == 200
    await _set_probe(False)
    assert (await crm_client.get("/probe/")).status_code == 404


async def test_disabled_plugin_custom_field_is_refused_with_422(crm_client):
    await _set_probe(False)
    response = await crm_client.post(
        "/api/v1/contacts", json={"given_name": "Ada", "custom": {"probe_score": 3}}
    )
    assert response.status_code == 422
    assert "custom.probe_score" in response.json()["errors"]


async def test_enabled_plugin_activity_type_can_be_logged(crm_client):
    contact = await _contact(crm_client)
    response = await crm_client.post("/api/v1/activities", json=_visit(contact["id"]))
    assert response.status_code == 201, response.text
    assert response.json()["type"] == "probe_visit"


async def test_disabled_plugin_activity_type_is_refused_with_422(crm_client):
    contact = await _contact(crm_client)
    await _set_probe(False)
    response = await crm_client.post("/api/v1/activities", json=_visit(contact["id"]))
    assert response.status_code == 422
    assert "type" in response.json()["errors"]


def _visit(contact_id: int) -> dict:
    return {
        "type": "probe_visit",
        "subject": "Dropped by",
        "links": [{"record_type": "contact", "record_id": contact_id}],
    }


async def test_enabled_plugin_custom_field_is_accepted_and_validated(crm_client):
    contact = await _contact(crm_client, custom={"probe_score": 3})
    assert contact["custom"] == {"probe_score": 3}
    wrong = await crm_client.post(
        "/api/v1/contacts", json={"given_name": "Bo", "custom": {"probe_score": "high"}}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == {"custom.probe_score": "must be a number"}


async def test_disabled_plugin_nav_item_and_record_panel_vanish(crm_client, crm_admin):
    contact = await _contact(crm_client)
    host = runtime.current().host
    panels = {"record_type": "contact", "record_id": contact["id"], "principal": crm_admin[0], "request": None}
    assert "probe" in [item.key for item in host.items("crm_nav_items")]
    assert "probe-notes" in [panel.key for panel in await host.call("crm_record_panels", **panels)]
    await _set_probe(False)
    assert "probe" not in [item.key for item in host.items("crm_nav_items")]
    assert await host.call("crm_record_panels", **panels) == []


async def test_disabling_keeps_the_plugin_data_and_enabling_brings_it_back(crm_client):
    contact = await _contact(crm_client, custom={"probe_score": 7})
    await _note(crm_client, contact["id"], "keep me")
    await _set_probe(False)
    assert await toolkit.fetch("SELECT text FROM probe_note") == [{"text": "keep me"}]
    await _set_probe(True)
    listed = await crm_client.get("/api/v1/probe/notes", params={"contact_id": contact["id"]})
    assert [note["text"] for note in listed.json()] == ["keep me"]
    again = await crm_client.get(f"/api/v1/contacts/{contact['id']}")
    assert again.json()["custom"] == {"probe_score": 7}
    patched = await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"custom": {"probe_score": 8}})
    assert patched.status_code == 200


async def test_enabling_again_brings_back_nav_item_and_routes(crm_client):
    await _set_probe(False)
    await _set_probe(True)
    assert "probe" in [item.key for item in runtime.current().host.items("crm_nav_items")]
    assert (await crm_client.get("/probe/")).status_code == 200


async def test_enabled_state_is_stored_in_the_database(crm_client):
    await _set_probe(False)
    rows = await toolkit.fetch("SELECT slug, enabled FROM crm_plugin_state WHERE slug = 'probe'")
    assert [bool(row["enabled"]) for row in rows] == [False]
