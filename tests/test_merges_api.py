"""Merging duplicates through the REST API: what moves to the survivor, undo, and who may."""

from __future__ import annotations

import pytest
import pytest_asyncio

from crm_platform.records.tables import CustomField
from crm_platform.testing import client_for


@pytest.fixture
def crm_plugins():
    # The sales plugin re-points its deals' contacts through crm_merge_links.
    return ["sales"]


@pytest_asyncio.fixture
async def tier_field(crm_running_app):
    await CustomField.insert(
        CustomField(record_type="contact", key="tier", label="Tier", kind="choice", choices=["gold", "silver"]),
        CustomField(record_type="contact", key="budget", label="Budget", kind="number"),
    )


async def post(client, url, **body):
    response = await client.post(url, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def merge(client, survivor, other, kind="contact", **choices):
    return await client.post(
        "/api/v1/merges", json={"kind": kind, "survivor_id": survivor["id"], "other_id": other["id"], "choices": choices}
    )


@pytest_asyncio.fixture
async def two_adas(crm_client, tier_field):
    """Two contacts for one person, each with its own activity, relationship, tag, custom
    field and deal, and a deal and an activity they share."""
    company = await post(crm_client, "/api/v1/companies", name="Analytical Engines")
    boss = await post(crm_client, "/api/v1/contacts", given_name="Charles", family_name="Babbage")
    ada = await post(crm_client, "/api/v1/contacts", given_name="Ada", family_name="Lovelace",
                     emails=[{"address": "ada@example.com"}], tags=["vip"], custom={"tier": "gold"},
                     job_title="Analyst", company_ids=[company["id"]])
    other = await post(crm_client, "/api/v1/contacts", given_name="Ada", family_name="Lovelace King",
                       emails=[{"address": "countess@example.com"}], phones=[{"number": "+44 20 7946 0958"}],
                       tags=["board"], custom={"budget": 500}, company_ids=[company["id"]])
    await post(crm_client, "/api/v1/relationships", type="reports_to",
               source={"type": "contact", "id": other["id"]}, target={"type": "contact", "id": boss["id"]})
    call = await post(crm_client, "/api/v1/activities", type="call", subject="Her call", participant_ids=[other["id"]])
    shared = await post(crm_client, "/api/v1/activities", type="meeting", subject="Both",
                        participant_ids=[ada["id"], other["id"]])
    her_deal = await post(crm_client, "/api/v1/sales/deals", title="Engine",
                          contacts=[{"contact_id": other["id"], "role": "champion"}])
    both_deal = await post(crm_client, "/api/v1/sales/deals", title="Notes", contacts=[
        {"contact_id": ada["id"], "role": "decision_maker"}, {"contact_id": other["id"], "role": "other"}])
    return {"ada": ada, "other": other, "boss": boss, "company": company, "call": call, "shared": shared,
            "her_deal": her_deal, "both_deal": both_deal}


async def test_a_merged_contacts_links_and_chosen_fields_move_to_the_survivor(crm_client, two_adas):
    ada, other = two_adas["ada"], two_adas["other"]
    response = await merge(crm_client, ada, other, family_name="other", job_title="survivor")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["merged_id"] == other["id"] and body["merge_id"]

    survivor = (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()
    assert survivor["family_name"] == "Lovelace King" and survivor["job_title"] == "Analyst"
    assert [email["address"] for email in survivor["emails"]] == ["ada@example.com", "countess@example.com"]
    assert survivor["phones"] == [{"number": "+442079460958", "label": "work"}]
    assert survivor["tags"] == ["vip", "board"]
    assert survivor["custom"] == {"tier": "gold", "budget": 500}
    assert (await crm_client.get(f"/api/v1/contacts/{other['id']}")).status_code == 404

    timeline = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/timeline")).json()
    subjects = sorted(item["title"] for item in timeline["items"])
    assert subjects == ["Both", "Her call"]
    graph = (await crm_client.get("/api/v1/relationships", params={"record_type": "contact",
                                                                    "record_id": ada["id"]})).json()
    assert {(item["type"], item["target"]["id"]) for item in graph["items"]} >= {("reports_to", two_adas["boss"]["id"])}
    assert len([item for item in graph["items"] if item["type"] == "works_at"]) == 1
    deal = (await crm_client.get(f"/api/v1/sales/deals/{two_adas['her_deal']['id']}")).json()
    assert [(item["contact_id"], item["role"]) for item in deal["contacts"]] == [(ada["id"], "champion")]
    both = (await crm_client.get(f"/api/v1/sales/deals/{two_adas['both_deal']['id']}")).json()
    assert [(item["contact_id"], item["role"]) for item in both["contacts"]] == [(ada["id"], "decision_maker")]
    tagged = (await crm_client.get("/api/v1/contacts", params={"tag": "board"})).json()
    assert [item["id"] for item in tagged["items"]] == [ada["id"]]

    found = (await crm_client.get("/api/v1/search", params={"q": "countess"})).json()
    assert [(hit["kind"], hit["id"]) for hit in found["items"]] == [("contact", ada["id"])]
    history = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/history")).json()
    assert history["items"][0]["action"] == "merge"


async def test_undo_brings_the_merged_contact_back_with_its_own_fields_and_links(crm_client, two_adas):
    ada, other = two_adas["ada"], two_adas["other"]
    merged = (await merge(crm_client, ada, other, family_name="other")).json()
    response = await crm_client.post(f"/api/v1/merges/{merged['merge_id']}/undo")
    assert response.status_code == 200, response.text
    assert response.json()["not_restored"] == []

    back = (await crm_client.get(f"/api/v1/contacts/{other['id']}")).json()
    assert back["family_name"] == "Lovelace King" and back["primary_email"] == "countess@example.com"
    assert back["tags"] == ["board"] and back["custom"] == {"budget": 500}
    survivor = (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()
    assert survivor["family_name"] == "Lovelace" and survivor["tags"] == ["vip"] and survivor["custom"] == {"tier": "gold"}
    assert [email["address"] for email in survivor["emails"]] == ["ada@example.com"]

    timeline = (await crm_client.get(f"/api/v1/contacts/{other['id']}/timeline")).json()
    assert sorted(item["title"] for item in timeline["items"]) == ["Both", "Her call"]
    ada_timeline = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/timeline")).json()
    assert [item["title"] for item in ada_timeline["items"]] == ["Both"]
    both = (await crm_client.get(f"/api/v1/sales/deals/{two_adas['both_deal']['id']}")).json()
    assert sorted((item["contact_id"], item["role"]) for item in both["contacts"]) == sorted(
        [(ada["id"], "decision_maker"), (other["id"], "other")])
    deal = (await crm_client.get(f"/api/v1/sales/deals/{two_adas['her_deal']['id']}")).json()
    assert [item["contact_id"] for item in deal["contacts"]] == [other["id"]]
    found = (await crm_client.get("/api/v1/search", params={"q": "countess"})).json()
    assert [(hit["kind"], hit["id"]) for hit in found["items"]] == [("contact", other["id"])]
    tagged = (await crm_client.get("/api/v1/contacts", params={"tag": "board"})).json()
    assert [item["id"] for item in tagged["items"]] == [other["id"]]

    again = await crm_client.post(f"/api/v1/merges/{merged['merge_id']}/undo")
    assert again.status_code == 409 and "already undone" in again.json()["detail"]


async def test_undo_is_refused_naming_the_fields_edited_since(crm_client, two_adas):
    ada, other = two_adas["ada"], two_adas["other"]
    merged = (await merge(crm_client, ada, other)).json()
    edit = await crm_client.patch(f"/api/v1/contacts/{ada['id']}", json={"tags": ["vip", "board", "speaker"]})
    assert edit.status_code == 200
    response = await crm_client.post(f"/api/v1/merges/{merged['merge_id']}/undo")
    assert response.status_code == 409
    assert "changed since the merge (tags)" in response.json()["detail"]
    assert (await crm_client.get(f"/api/v1/contacts/{other['id']}")).status_code == 404
    entry = (await crm_client.get(f"/api/v1/merges/{merged['merge_id']}")).json()
    assert entry["undo_blocked_by"] and entry["merged_title"] == "Ada Lovelace King"


async def test_a_dry_run_says_what_would_move_and_writes_nothing(crm_client, two_adas):
    ada, other = two_adas["ada"], two_adas["other"]
    response = await crm_client.post("/api/v1/merges", json={
        "kind": "contact", "survivor_id": ada["id"], "other_id": other["id"], "dry_run": True})
    body = response.json()
    assert body["dry_run"] is True and body["merge_id"] is None
    assert body["moved"]["activity_links"] == 1 and body["changes"]["tags"]["to"] == ["vip", "board"]
    assert (await crm_client.get(f"/api/v1/contacts/{other['id']}")).status_code == 200


async def test_a_member_cannot_merge_another_teams_contact(crm_running_app, crm_make_user):
    _, north_token = await crm_make_user("north@example.com", team="north")
    _, south_token = await crm_make_user("south@example.com", team="south")
    async with client_for(crm_running_app, north_token) as north, client_for(crm_running_app, south_token) as south:
        mine = await post(north, "/api/v1/contacts", given_name="Ada")
        theirs = await post(south, "/api/v1/contacts", given_name="Ada")
        response = await merge(north, mine, theirs)
        assert response.status_code == 403
        assert (await south.get(f"/api/v1/contacts/{theirs['id']}")).status_code == 200
        assert (await merge(north, mine, {"id": 999999})).status_code == 404
        assert (await merge(north, mine, mine)).status_code == 422


async def test_bad_choices_are_named_in_a_422(crm_client, two_adas):
    response = await merge(crm_client, two_adas["ada"], two_adas["other"], job_title="both", shoe_size="other")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"choices.job_title", "choices.shoe_size"}


async def test_two_companies_merge_with_their_people_and_deals_and_undo(crm_client, make_company_pair):
    first, second, person, deal = make_company_pair
    response = await merge(crm_client, first, second, kind="company", industry="other")
    assert response.status_code == 200, response.text
    survivor = (await crm_client.get(f"/api/v1/companies/{first['id']}")).json()
    assert survivor["domains"] == ["engines.example", "engines.co.example"] and survivor["industry"] == "Computing"
    people = (await crm_client.get(f"/api/v1/contacts/{person['id']}")).json()
    assert [company["id"] for company in people["companies"]] == [first["id"]]
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["company_id"] == first["id"]
    undone = await crm_client.post(f"/api/v1/merges/{response.json()['merge_id']}/undo")
    assert undone.status_code == 200, undone.text
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["company_id"] == second["id"]
    people = (await crm_client.get(f"/api/v1/contacts/{person['id']}")).json()
    assert [company["id"] for company in people["companies"]] == [second["id"]]


@pytest_asyncio.fixture
async def make_company_pair(crm_client):
    first = await post(crm_client, "/api/v1/companies", name="Engines Ltd", domains=["engines.example"])
    second = await post(crm_client, "/api/v1/companies", name="Engines Limited", domains=["engines.co.example"],
                        industry="Computing")
    person = await post(crm_client, "/api/v1/contacts", given_name="Ada", company_ids=[second["id"]])
    deal = await post(crm_client, "/api/v1/sales/deals", title="Engine", company_id=second["id"])
    return first, second, person, deal


async def test_duplicates_are_listed_with_their_reasons_among_visible_contacts(crm_client, two_adas):
    await post(crm_client, "/api/v1/contacts", given_name="Ada", family_name="Lovelace",
               emails=[{"address": "lovelace@example.org"}], company_ids=[two_adas["company"]["id"]])
    pairs = (await crm_client.get("/api/v1/duplicates", params={"kind": "contact"})).json()
    reasons = {(pair["first_id"], pair["second_id"]): pair["reasons"] for pair in pairs}
    ada = two_adas["ada"]["id"]
    assert any("same name at the same company" in found for (first, _), found in reasons.items() if first == ada)
    assert any("similar name" in found for found in reasons.values())


async def test_the_command_line_merges_two_contacts_and_dry_runs_first(crm_client, crm_cli):
    ada = await post(crm_client, "/api/v1/contacts", given_name="Ada", emails=[{"address": "ada@example.com"}])
    other = await post(crm_client, "/api/v1/contacts", given_name="Ada", job_title="Countess")
    dry = crm_cli("contacts", "merge", str(ada["id"]), str(other["id"]), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would change on contact {ada['id']}: job_title" in dry.output
    assert (await crm_client.get(f"/api/v1/contacts/{other['id']}")).status_code == 200
    done = crm_cli("contacts", "merge", str(ada["id"]), str(other["id"]))
    assert f"contact {other['id']} merged into {ada['id']}" in done.output, done.output
    assert (await crm_client.get(f"/api/v1/contacts/{other['id']}")).status_code == 404
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()["job_title"] == "Countess"
    missing = crm_cli("contacts", "merge", str(ada["id"]), str(other["id"]))
    assert missing.exit_code != 0 and f"contact {other['id']} does not exist" in missing.output


async def test_undo_is_refused_when_the_survivor_was_deleted_since(crm_client):
    ada = await post(crm_client, "/api/v1/contacts", given_name="Ada")
    other = await post(crm_client, "/api/v1/contacts", given_name="Ada L")
    merged = (await merge(crm_client, ada, other)).json()
    assert (await crm_client.delete(f"/api/v1/contacts/{ada['id']}")).status_code == 204
    response = await crm_client.post(f"/api/v1/merges/{merged['merge_id']}/undo")
    assert response.status_code == 409
    assert f"contact {ada['id']}, which the other was merged into, no longer exists" in response.json()["detail"]


async def test_a_members_merge_history_hides_merges_of_records_they_cannot_see(crm_running_app, crm_make_user):
    _, north_token = await crm_make_user("north@example.com", team="north")
    _, south_token = await crm_make_user("south@example.com", team="south")
    async with client_for(crm_running_app, north_token) as north, client_for(crm_running_app, south_token) as south:
        mine = await post(north, "/api/v1/contacts", given_name="Ada")
        twin = await post(north, "/api/v1/contacts", given_name="Ada")
        merged = (await merge(north, mine, twin)).json()
        assert (await south.get(f"/api/v1/merges/{merged['merge_id']}")).status_code == 403
        assert (await south.post(f"/api/v1/merges/{merged['merge_id']}/undo")).status_code == 403
        history = (await north.get("/api/v1/merges", params={"kind": "contact", "record_id": mine["id"]})).json()
        assert [(entry["merged_id"], entry["undo_blocked_by"]) for entry in history] == [(twin["id"], [])]


async def test_the_duplicates_list_pairs_only_records_the_member_may_see(crm_running_app, crm_make_user):
    _, north_token = await crm_make_user("north@example.com", team="north")
    _, south_token = await crm_make_user("south@example.com", team="south")
    phone = [{"number": "+44 20 7946 0958"}]
    async with client_for(crm_running_app, north_token) as north, client_for(crm_running_app, south_token) as south:
        first = await post(north, "/api/v1/contacts", given_name="Ada", phones=phone)
        second = await post(north, "/api/v1/contacts", given_name="Countess", phones=phone)
        await post(south, "/api/v1/contacts", given_name="Someone", phones=phone)
        pairs = (await north.get("/api/v1/duplicates", params={"kind": "contact"})).json()
        assert [(pair["first_id"], pair["second_id"], pair["reasons"]) for pair in pairs] == [
            (first["id"], second["id"], ["same phone"])]
        assert (await south.get("/api/v1/duplicates", params={"kind": "contact"})).json() == []
        assert (await north.get("/api/v1/duplicates", params={"kind": "activity"})).status_code == 422
