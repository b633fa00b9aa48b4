"""Every hook the ``probe`` test plugin implements reaches the core, and stops when it is off.

Slots (panels, tabs, actions, widgets, nav items) are rendered by the web UI; here they are
read from the plugin host the UI reads them from.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from crm_platform import runtime
from crm_platform.instance.plugins import set_enabled
from crm_platform.testing import client_for


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]


async def _contact(client, **fields) -> dict:
    response = await client.post(
        "/api/v1/contacts", json={"given_name": "Hugo", "family_name": "Hook", **fields}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _note(client, contact_id: int, text: str) -> dict:
    response = await client.post("/api/v1/probe/notes", json={"contact_id": contact_id, "text": text})
    assert response.status_code == 201, response.text
    return response.json()


def _probe_items(hook: str) -> list:
    return [owned.item for owned in runtime.current().host.owned(hook) if owned.slug == "probe"]


async def _call(hook: str, **kwargs) -> list:
    # As a page calls them, less the page's request.
    return await runtime.current().host.call(hook, request=None, **kwargs)


@pytest.mark.parametrize(
    ("hook", "key"),
    [
        ("crm_relationship_types", "probe_mentor_of"),
        ("crm_permissions", "probe.export"),
        ("crm_settings", "greeting"),
        ("crm_jobs", "probe.count_notes"),
        ("crm_activity_types", "probe_visit"),
        ("crm_nav_items", "probe"),
        ("crm_notification_kinds", "probe.note_added"),
    ],
)
@pytest.mark.exercises(
    "crm_relationship_types",
    "crm_permissions",
    "crm_settings",
    "crm_jobs",
    "crm_activity_types",
    "crm_nav_items",
    "crm_notification_kinds",
)
async def test_registered_item_is_there_while_enabled_and_gone_while_disabled(crm_client, hook, key):
    def keys() -> list:
        return [getattr(item, "key", None) or getattr(item, "name", None) for item in _probe_items(hook)]

    assert key in keys()
    await set_enabled(runtime.current().host, "probe", False)
    assert keys() == []


@pytest.mark.exercises("crm_record_panels", "crm_api_routes", "crm_database_apps")
async def test_record_panel_counts_the_contacts_notes(crm_client, crm_admin):
    contact = await _contact(crm_client)
    await _note(crm_client, contact["id"], "one")
    panel, _ = await _call(
        "crm_record_panels", record_type="contact", record_id=contact["id"], principal=crm_admin[0]
    )
    assert panel.title == "Probe notes"
    assert "1 notes" in panel.html


@pytest.mark.exercises("crm_record_tabs", "crm_record_actions")
async def test_record_tab_and_action_point_at_the_plugin_pages(crm_client, crm_admin):
    where = {"record_type": "contact", "record_id": 42, "principal": crm_admin[0]}
    assert [tab.href for tab in await _call("crm_record_tabs", **where)] == ["/probe/contacts/42/notes"]
    assert [action.label for action in await _call("crm_record_actions", **where)] == ["Add a note"]


async def test_record_slots_are_empty_for_other_record_types(crm_client, crm_admin):
    where = {"record_type": "company", "record_id": 1, "principal": crm_admin[0]}
    for hook in ("crm_record_panels", "crm_record_tabs", "crm_record_actions"):
        assert await _call(hook, **where) == []


@pytest.mark.exercises("crm_dashboard_widgets")
async def test_dashboard_widget_counts_all_notes(crm_client, crm_admin):
    contact = await _contact(crm_client)
    await _note(crm_client, contact["id"], "one")
    await _note(crm_client, contact["id"], "two")
    widget, _ = await _call("crm_dashboard_widgets", principal=crm_admin[0])
    assert "2 notes in all" in widget.html


@pytest.mark.exercises("crm_timeline_items")
async def test_timeline_items_are_merged_into_the_contact_timeline(crm_client):
    contact = await _contact(crm_client)
    first = await _note(crm_client, contact["id"], "first")
    second = await _note(crm_client, contact["id"], "<b>second</b>")
    timeline = (await crm_client.get(f"/api/v1/contacts/{contact['id']}/timeline")).json()["items"]
    notes = [item for item in timeline if item["kind"] == "probe_note"]
    assert [item["key"] for item in notes] == [f"probe-note-{second['id']}", f"probe-note-{first['id']}"]
    assert notes[0]["body_html"] == "<p>&lt;b&gt;second&lt;/b&gt;</p>"


@pytest.mark.exercises("crm_search")
async def test_search_finds_the_plugin_records_the_caller_may_see(crm_client, crm_running_app, crm_make_user):
    contact = await _contact(crm_client)
    await _note(crm_client, contact["id"], "Prefers green tea")
    _, token = await crm_make_user("member@example.com", role="member")
    found = (await crm_client.get("/api/v1/search", params={"q": "green"})).json()["items"]
    assert [(item["kind"], item["title"]) for item in found] == [("probe_note", "Prefers green tea")]
    async with client_for(crm_running_app, token) as member:
        assert (await member.get("/api/v1/search", params={"q": "green"})).json()["items"] == []


async def test_relationship_type_links_two_contacts_while_enabled(crm_client):
    mentor, pupil = await _contact(crm_client), await _contact(crm_client, given_name="Pia")
    link = {
        "type": "probe_mentor_of",
        "source": {"type": "contact", "id": mentor["id"]},
        "target": {"type": "contact", "id": pupil["id"]},
    }
    assert (await crm_client.post("/api/v1/relationships", json=link)).status_code == 201
    await set_enabled(runtime.current().host, "probe", False)
    refused = await crm_client.post("/api/v1/relationships", json=link)
    assert refused.status_code == 422
    assert "type" in refused.json()["errors"]


@pytest.mark.exercises("crm_check_access")
async def test_check_access_veto_stops_deleting_a_locked_contact(crm_client):
    contact = await _contact(crm_client, tags=["probe-locked"])
    response = await crm_client.delete(f"/api/v1/contacts/{contact['id']}")
    assert response.status_code == 403
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).status_code == 200


async def test_check_access_veto_lifts_while_the_plugin_is_disabled(crm_client):
    contact = await _contact(crm_client, tags=["probe-locked"])
    await set_enabled(runtime.current().host, "probe", False)
    assert (await crm_client.delete(f"/api/v1/contacts/{contact['id']}")).status_code == 204


async def test_job_counts_a_contacts_notes(crm_client):
    contact = await _contact(crm_client)
    await _note(crm_client, contact["id"], "one")
    [job] = _probe_items("crm_jobs")
    assert await job.func(contact_id=contact["id"]) == 1


@pytest.mark.exercises("crm_cli_commands")
async def test_cli_command_runs(crm_client):
    [command] = _probe_items("crm_cli_commands")
    result = CliRunner().invoke(command.command, ["hello"])
    assert result.exit_code == 0
    assert result.output == "probe says hello\n"


@pytest.mark.exercises("crm_web_routes", "crm_template_dirs")
async def test_web_route_renders_the_plugin_template_with_escaped_notes(crm_client):
    contact = await _contact(crm_client)
    await _note(crm_client, contact["id"], "<script>x</script>")
    tab = await crm_client.get(f"/probe/contacts/{contact['id']}/notes")
    assert tab.status_code == 200
    assert '<section class="probe-notes">' in tab.text
    assert "<li>&lt;script&gt;x&lt;/script&gt;</li>" in tab.text
