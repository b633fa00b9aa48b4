"""The vet plugin (tests/plugins/crm-vet), written from docs/plugins.md alone, is the proof that a
vertical needs no SQL on core tables and no private import: its pets are a record kind the core
writes, audits, indexes, links, hides and announces like its own."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform.testing import client_for
from tests.web.helpers import sign_in


@pytest.fixture
def crm_plugins():
    return ["vet"]


async def _contact(client, name: str = "Kim Keeper") -> dict:
    given, family = name.split()
    response = await client.post("/api/v1/contacts", json={"given_name": given, "family_name": family})
    assert response.status_code == 201, response.text
    return response.json()


async def _pet(client, **fields) -> dict:
    response = await client.post("/api/v1/vet/pets", json={"name": "Rex", **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_pet_is_created_changed_audited_found_and_deleted(crm_client):
    keeper = await _contact(crm_client)
    pet = await _pet(
        crm_client, species="cat", keeper_id=keeper["id"], tags=["Indoor"], custom={"vet_chip_number": "981000123"}
    )
    assert (pet["name"], pet["species"], pet["keeper_id"], pet["tags"]) == ("Rex", "cat", keeper["id"], ["indoor"])
    changed = await crm_client.patch(f"/api/v1/vet/pets/{pet['id']}", json={"name": "Rexy"})
    assert changed.status_code == 200 and changed.json()["name"] == "Rexy"

    history = (await crm_client.get(f"/api/v1/vet/pets/{pet['id']}/history")).json()
    assert [entry["action"] for entry in history] == ["update", "create"]
    assert history[0]["changes"] == {"name": {"from": "Rex", "to": "Rexy"}}
    hits = (await crm_client.get("/api/v1/search", params={"q": "rexy"})).json()
    assert any(hit["kind"] == "vet.pet" and hit["id"] == pet["id"] for hit in hits["items"]), hits

    assert (await crm_client.delete(f"/api/v1/vet/pets/{pet['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/vet/pets/{pet['id']}")).status_code == 404
    hits = (await crm_client.get("/api/v1/search", params={"q": "rexy"})).json()
    assert not any(hit["kind"] == "vet.pet" for hit in hits["items"])


async def test_wrong_pet_fields_are_all_named_and_nothing_is_stored(crm_client):
    response = await crm_client.post(
        "/api/v1/vet/pets",
        json={"name": " ", "species": "dragon", "keeper_id": 99999, "custom": {"vet_nosuch": 1}, "owner_id": 424242},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "species", "keeper_id", "custom.vet_nosuch", "owner_id"}
    assert (await crm_client.get("/api/v1/vet/pets")).json()["items"] == []


async def test_an_activity_links_to_a_pet_only_while_the_pet_exists(crm_client):
    keeper = await _contact(crm_client)
    pet = await _pet(crm_client, keeper_id=keeper["id"])
    missing = await crm_client.post(
        "/api/v1/activities", json={"type": "vet_visit", "links": [{"record_type": "vet.pet", "record_id": 999999}]}
    )
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"links[0].record_id": "vet.pet 999999 does not exist or you may not change it"}

    visit = await crm_client.post(
        "/api/v1/activities",
        json={"type": "vet_visit", "subject": "Check-up", "participant_ids": [keeper["id"]],
              "links": [{"record_type": "vet.pet", "record_id": pet["id"]}]},
    )
    assert visit.status_code == 201, visit.text
    timeline = (await crm_client.get(f"/api/v1/vet/pets/{pet['id']}/timeline")).json()
    # The welcome call the plugin's listener made for the new pet is on its timeline too.
    assert {item["subject"] for item in timeline} == {"Check-up", "Welcome call about Rex"}

    await crm_client.delete(f"/api/v1/vet/pets/{pet['id']}")
    kept = (await crm_client.get(f"/api/v1/activities/{visit.json()['id']}")).json()
    assert kept["links"] == [{"record_type": "contact", "record_id": keeper["id"], "role": "participant"}]


async def test_a_new_pet_gets_a_welcome_call_after_the_days_an_admin_set(crm_client):
    keeper = await _contact(crm_client)
    await _pet(crm_client, keeper_id=keeper["id"])
    changed = await crm_client.put("/api/v1/settings/vet/welcome_call_days", json={"value": 7})
    assert changed.status_code == 200, changed.text
    await _pet(crm_client, name="Tom", keeper_id=keeper["id"])

    tasks = (await crm_client.get("/api/v1/tasks")).json()["items"]
    due = {task["subject"]: dt.datetime.fromisoformat(task["due_at"]) for task in tasks}
    assert set(due) == {"Welcome call about Rex", "Welcome call about Tom"}
    assert round((due["Welcome call about Tom"] - due["Welcome call about Rex"]) / dt.timedelta(days=1)) == 4


async def test_sensitive_pets_are_hidden_from_members_until_their_role_is_granted(
    crm_client, crm_running_app, crm_make_user
):
    member, token = await crm_make_user("vet-member@example.com", role="member", team="Front desk")
    hidden = await _pet(crm_client, name="Shadow", sensitive=True, owner_id=member.id)
    await _pet(crm_client, name="Sunny", owner_id=member.id)
    async with client_for(crm_running_app, token) as as_member:
        listed = (await as_member.get("/api/v1/vet/pets")).json()["items"]
        assert [pet["name"] for pet in listed] == ["Sunny"]
        assert (await as_member.get(f"/api/v1/vet/pets/{hidden['id']}")).status_code == 403
        hits = (await as_member.get("/api/v1/search", params={"q": "shadow"})).json()["items"]
        assert hits == []
        link = await as_member.post(
            "/api/v1/activities", json={"type": "note", "links": [{"record_type": "vet.pet", "record_id": hidden["id"]}]}
        )
        assert link.status_code == 422  # refused like a pet that does not exist
        assert (await as_member.post("/api/v1/vet/pets", json={"name": "X", "sensitive": True})).status_code == 403

        granted = await crm_client.put("/api/v1/permissions/vet.sensitive", json={"roles": ["admin", "member"]})
        assert granted.status_code == 200, granted.text
        listed = (await as_member.get("/api/v1/vet/pets")).json()["items"]
        assert [pet["name"] for pet in listed] == ["Shadow", "Sunny"]
        assert (await as_member.get(f"/api/v1/vet/pets/{hidden['id']}")).status_code == 200


async def test_the_daily_job_reminds_a_keeper_once_per_vaccination(crm_client, crm_clock, crm_run_jobs):
    keeper = await _contact(crm_client)
    pet = await _pet(crm_client, keeper_id=keeper["id"])
    await crm_client.patch(f"/api/v1/vet/pets/{pet['id']}", json={"vaccinated_on": "2025-01-10"})
    crm_clock.set(dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC))
    await crm_run_jobs()
    crm_clock.set(dt.datetime(2026, 3, 3, 7, 0, tzinfo=dt.UTC))
    await crm_run_jobs()
    subjects = [task["subject"] for task in (await crm_client.get("/api/v1/tasks")).json()["items"]]
    assert subjects.count("Vaccination due for Rex") == 1


async def test_many_pets_are_written_together_or_not_at_all(crm_client):
    keeper = await _contact(crm_client)
    refused = await crm_client.post(
        "/api/v1/vet/pets/bulk",
        json={"pets": [{"name": "Ann", "keeper_id": keeper["id"]}, {"name": "Bo", "species": "dragon"}]},
    )
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"pets[1].species"}
    assert (await crm_client.get("/api/v1/vet/pets")).json()["items"] == []

    created = await crm_client.post(
        "/api/v1/vet/pets/bulk",
        json={"pets": [{"name": "Ann", "keeper_id": keeper["id"], "tags": ["New"]}, {"name": "Bo", "species": "cat"}]},
    )
    assert created.status_code == 201, created.text
    ann_id, bo_id = created.json()["ids"]
    bo = (await crm_client.get(f"/api/v1/vet/pets/{bo_id}")).json()
    assert (bo["name"], bo["species"], bo["sensitive"], bo["custom"]) == ("Bo", "cat", False, {})
    assert (await crm_client.get(f"/api/v1/vet/pets/{ann_id}")).json()["tags"] == ["new"]
    history = (await crm_client.get(f"/api/v1/vet/pets/{ann_id}/history")).json()
    assert history[0]["action"] == "create" and history[0]["changes"]["name"] == {"from": None, "to": "Ann"}
    hits = (await crm_client.get("/api/v1/search", params={"q": "bo"})).json()["items"]
    assert [hit["id"] for hit in hits if hit["kind"] == "vet.pet"] == [bo_id]
    # The listener heard of each new pet: Ann's keeper gets a welcome call.
    tasks = (await crm_client.get("/api/v1/tasks")).json()["items"]
    assert [task["subject"] for task in tasks] == ["Welcome call about Ann"]


async def test_a_contact_field_may_point_to_a_pet_that_exists(crm_client):
    keeper = await _contact(crm_client)
    pet = await _pet(crm_client, keeper_id=keeper["id"])
    missing = await crm_client.patch(f"/api/v1/contacts/{keeper['id']}", json={"custom": {"vet_first_pet": 999999}})
    assert missing.status_code == 422
    assert missing.json()["errors"] == {"custom.vet_first_pet": "vet.pet 999999 does not exist"}
    pointed = await crm_client.patch(f"/api/v1/contacts/{keeper['id']}", json={"custom": {"vet_first_pet": pet["id"]}})
    assert pointed.status_code == 200, pointed.text
    assert pointed.json()["custom"]["vet_first_pet"] == pet["id"]


async def test_a_contact_page_shows_the_keepers_pets_in_the_plugins_panel(crm_client, crm_running_app):
    keeper = await _contact(crm_client)
    await _pet(crm_client, name="<b>Rex</b>", keeper_id=keeper["id"])
    async with client_for(crm_running_app) as browser:
        await sign_in(browser, "admin@example.com")
        page = await browser.get(f"/contacts/{keeper['id']}")
    assert page.status_code == 200
    assert 'class="vet-pets"' in page.text
    # The panel's template is the plugin's, rendered by the core with escaping.
    assert "&lt;b&gt;Rex&lt;/b&gt;" in page.text and "<b>Rex</b>" not in page.text
