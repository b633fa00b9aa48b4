"""Events reach plugins after the transaction commits, and one failing listener harms no other."""

from __future__ import annotations

import logging

import pytest
from crm_testplugin import events as probe_events
from crm_testplugin.notes import ROLLBACK_TEXT

from crm_platform import runtime
from crm_platform.instance.plugins import set_enabled


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["failing_listener", "probe"]


@pytest.fixture(autouse=True)
def forget_received_events():
    probe_events.forget()
    yield
    probe_events.forget()


async def _contact(client) -> dict:
    response = await client.post("/api/v1/contacts", json={"given_name": "Eve", "family_name": "Event"})
    assert response.status_code == 201, response.text
    return response.json()


async def _received(client, *, generic: bool = False) -> list[str]:
    """The names of the events the probe plugin received: the kinds' own (``ContactCreated``),
    or with ``generic`` the ``Record*`` events every kind sends beside them."""
    response = await client.get("/api/v1/probe/events")
    assert response.status_code == 200
    return [name for name in response.json() if name.startswith("Record") == generic]


async def test_listener_receives_contact_created_updated_and_deleted(crm_client):
    contact = await _contact(crm_client)
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"job_title": "Tester"})
    await crm_client.delete(f"/api/v1/contacts/{contact['id']}")
    assert await _received(crm_client) == ["ContactCreated", "ContactUpdated", "ContactDeleted"]
    assert await _received(crm_client, generic=True) == ["RecordCreated", "RecordUpdated", "RecordDeleted"]


@pytest.mark.exercises("crm_event")
async def test_event_carries_the_actor_and_the_record(crm_client, crm_admin):
    contact = await _contact(crm_client)
    [event, generic] = probe_events.RECEIVED
    assert (event.actor_id, event.contact_id) == (crm_admin[0].id, contact["id"])
    assert (generic.actor_id, generic.kind, generic.record_id) == (crm_admin[0].id, "contact", contact["id"])


async def test_a_generic_update_event_names_the_changed_fields_and_a_delete_keeps_the_last_values(crm_client):
    contact = await _contact(crm_client)
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"job_title": "Tester"})
    await crm_client.delete(f"/api/v1/contacts/{contact['id']}")
    updated, deleted = [event for event in probe_events.RECEIVED if event.name in ("RecordUpdated", "RecordDeleted")]
    assert updated.changes == {"job_title": {"from": "", "to": "Tester"}}
    assert deleted.values["display_name"] == "Eve Event" and deleted.values["job_title"] == "Tester"


async def test_plugin_defined_event_is_delivered_after_commit(crm_client):
    contact = await _contact(crm_client)
    note = (
        await crm_client.post("/api/v1/probe/notes", json={"contact_id": contact["id"], "text": "hi"})
    ).json()
    assert (await _received(crm_client))[-1] == "ProbeNoteAdded"
    # The listener read the note on its own connection: it had been committed already.
    assert probe_events.NOTE_VISIBLE_TO_LISTENER == {note["id"]: True}


async def test_rolled_back_write_delivers_no_event(crm_client):
    contact = await _contact(crm_client)
    response = await crm_client.post(
        "/api/v1/probe/notes", json={"contact_id": contact["id"], "text": ROLLBACK_TEXT}
    )
    assert response.status_code == 409
    assert await _received(crm_client) == ["ContactCreated"]
    listed = await crm_client.get("/api/v1/probe/notes", params={"contact_id": contact["id"]})
    assert listed.json() == []


async def test_refused_contact_delivers_no_event(crm_client):
    await _contact(crm_client)
    response = await crm_client.post(
        "/api/v1/contacts", json={"given_name": "Eve", "emails": [{"address": "no"}]}
    )
    assert response.status_code == 422
    assert await _received(crm_client) == ["ContactCreated"]


async def test_failing_listener_is_logged_and_the_others_still_receive(crm_client, caplog):
    with caplog.at_level(logging.ERROR, logger="crm.plugins"):
        response = await crm_client.post("/api/v1/contacts", json={"given_name": "Fay"})
    assert response.status_code == 201
    assert await _received(crm_client) == ["ContactCreated"]
    failures = [record for record in caplog.records if "failing_listener" in record.getMessage()]
    assert failures and "crm_event" in failures[0].getMessage()
    assert "cannot handle ContactCreated" in failures[0].exc_text


async def test_disabled_plugin_receives_no_events(crm_client):
    await set_enabled(runtime.current().host, "probe", False)
    await _contact(crm_client)
    assert probe_events.RECEIVED == []


async def test_listener_receives_activity_logged_with_its_type(crm_client):
    contact = await _contact(crm_client)
    activity = {
        "type": "call",
        "subject": "Rang",
        "links": [{"record_type": "contact", "record_id": contact["id"]}],
    }
    assert (await crm_client.post("/api/v1/activities", json=activity)).status_code == 201
    logged = [event for event in probe_events.RECEIVED if event.name == "ActivityLogged"]
    assert [event.type for event in logged] == ["call"]
