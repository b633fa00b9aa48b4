"""What a member of one team learns of another team's records: nothing through a refused
duplicate email, nothing through an activity's links, no name on a page once a record is
handed to the other team."""

from __future__ import annotations

import httpx
import pytest

from crm_platform.testing import assert_names_hidden, client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
async def north(crm_running_app, crm_make_user):
    """Alice's API client; Alice is a member of the North team."""
    principal, token = await crm_make_user("alice@example.com", team="North")
    async with client_for(crm_running_app, token) as client:
        client.principal = principal
        yield client


@pytest.fixture
async def south(crm_running_app, crm_make_user):
    """Bob's API client; Bob is a member of the South team."""
    principal, token = await crm_make_user("bob@example.com", team="South")
    async with client_for(crm_running_app, token) as client:
        client.principal = principal
        yield client


@pytest.fixture
async def north_browser(crm_running_app, north):
    async with client_for(crm_running_app) as client:
        await sign_in(client, "alice@example.com")
        yield client


async def _created(client: httpx.AsyncClient, path: str, **body) -> dict:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


# --- a duplicate email ------------------------------------------------------------------------


async def test_a_duplicate_of_a_hidden_contacts_email_says_only_that_it_is_taken(north, south):
    secret = await _created(south, "/api/v1/contacts", given_name="Sam", family_name="Secret",
                            emails=[{"address": "sam@example.com"}])
    response = await north.post("/api/v1/contacts", json={"given_name": "Sam", "emails": [{"address": "SAM@example.com"}]})
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == "the email sam@example.com is already taken by another contact"
    assert "existing_id" not in body and "existing_name" not in body
    assert "Secret" not in response.text and str(secret["id"]) not in body["detail"]


async def test_a_bulk_repeating_a_hidden_contacts_email_says_only_that_it_is_taken(north, south):
    await _created(south, "/api/v1/contacts", given_name="Sam", family_name="Secret",
                   emails=[{"address": "sam@example.com"}])
    response = await north.post("/api/v1/contacts/bulk", json={"contacts": [
        {"given_name": "New", "emails": [{"address": "new@example.com"}]},
        {"given_name": "Sam", "emails": [{"address": "sam@example.com"}]},
    ]})
    assert response.status_code == 409
    assert "existing_id" not in response.json()
    assert "Secret" not in response.text


async def test_a_duplicate_of_a_visible_contacts_email_names_and_links_it(north, north_browser):
    mine = await _created(north, "/api/v1/contacts", given_name="Ada", family_name="Lovelace",
                          emails=[{"address": "ada@example.com"}])
    response = await north.post("/api/v1/contacts", json={"given_name": "Ada", "emails": [{"address": "ada@example.com"}]})
    assert response.status_code == 409
    assert response.json()["existing_id"] == mine["id"]
    page = await north_browser.post("/contacts", data={
        "_csrf_token": await form_token(north_browser, "/contacts/new"), "given_name": "Ada", "email": "ada@example.com",
    })
    assert page.status_code == 422
    assert f'href="/contacts/{mine["id"]}"' in page.text and "Ada Lovelace" in page.text


async def test_the_new_contact_form_does_not_name_a_hidden_contact_with_the_email(north_browser, south):
    secret = await _created(south, "/api/v1/contacts", given_name="Sam", family_name="Secret",
                            emails=[{"address": "sam@example.com"}])
    page = await north_browser.post("/contacts", data={
        "_csrf_token": await form_token(north_browser, "/contacts/new"), "given_name": "Sam", "email": "sam@example.com",
    })
    assert page.status_code == 422
    assert "the email sam@example.com is already taken by another contact" in page.text
    assert "Secret" not in page.text and f'href="/contacts/{secret["id"]}"' not in page.text


# --- an activity's links ----------------------------------------------------------------------


async def test_an_activity_cannot_be_linked_to_another_teams_record(north, south):
    theirs = await _created(south, "/api/v1/companies", name="Hidden Corp")
    contact = await _created(south, "/api/v1/contacts", given_name="Hidden")
    response = await north.post("/api/v1/activities", json={
        "type": "note", "subject": "planted", "participant_ids": [contact["id"]],
        "links": [{"record_type": "company", "record_id": theirs["id"]}],
    })
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == {
        "participant_ids[0]": f"contact {contact['id']} does not exist or you may not change it",
        "links[0].record_id": f"company {theirs['id']} does not exist or you may not change it",
    }
    timeline = (await south.get(f"/api/v1/companies/{theirs['id']}/timeline")).json()["items"]
    assert "planted" not in [item["title"] for item in timeline]


async def test_a_missing_record_and_a_hidden_one_are_refused_in_the_same_words(north, south):
    theirs = await _created(south, "/api/v1/companies", name="Hidden Corp")
    response = await north.post("/api/v1/activities", json={"type": "note", "links": [
        {"record_type": "company", "record_id": theirs["id"]}, {"record_type": "company", "record_id": 999999},
    ]})
    errors = response.json()["errors"]
    assert response.status_code == 422
    assert errors["links[1].record_id"] == errors["links[0].record_id"].replace(str(theirs["id"]), "999999")


async def test_relinking_an_activity_checks_only_the_records_it_adds(crm_client, north, south):
    mine = await _created(north, "/api/v1/companies", name="Mine Ltd")
    ada = await _created(north, "/api/v1/contacts", given_name="Ada")
    note = await _created(north, "/api/v1/activities", type="note", participant_ids=[ada["id"]],
                          links=[{"record_type": "company", "record_id": mine["id"]}])
    # The company is handed to the other team; the note keeps it and may change its participants.
    handed = await crm_client.patch(f"/api/v1/companies/{mine['id']}", json={"owner_id": south.principal.id})
    assert handed.status_code == 200, handed.text
    response = await north.patch(f"/api/v1/activities/{note['id']}", json={"participant_ids": []})
    assert response.status_code == 200, response.text
    theirs = await _created(south, "/api/v1/companies", name="Theirs Ltd")
    refused = await north.patch(f"/api/v1/activities/{note['id']}", json={
        "links": [{"record_type": "company", "record_id": theirs["id"]}],
    })
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"links[0].record_id"}


# --- names of records handed to another team ------------------------------------------------


async def test_a_company_handed_to_another_team_leaves_the_contact_unnamed(crm_client, north, south, north_browser):
    ada = await _created(north, "/api/v1/contacts", given_name="Ada")
    acme = await _created(north, "/api/v1/companies", name="Acme Handed")
    related = await north.post("/api/v1/relationships", json={
        "type": "works_at", "source": {"type": "contact", "id": ada["id"]},
        "target": {"type": "company", "id": acme["id"]},
    })
    assert related.status_code == 201, related.text
    assert [item["name"] for item in (await north.get(f"/api/v1/contacts/{ada['id']}")).json()["companies"]] == [
        "Acme Handed"
    ]
    await crm_client.patch(f"/api/v1/companies/{acme['id']}", json={"owner_id": south.principal.id})
    assert (await north.get(f"/api/v1/contacts/{ada['id']}")).json()["companies"] == []
    assert all(item["companies"] == [] for item in (await north.get("/api/v1/contacts")).json()["items"])
    await assert_names_hidden(north_browser, f"/contacts/{ada['id']}", "Acme Handed")
    await assert_names_hidden(north_browser, "/contacts", "Acme Handed")


async def test_my_day_leaves_out_the_names_of_records_handed_to_another_team(crm_client, north, south, north_browser):
    ada = await _created(north, "/api/v1/contacts", given_name="Ada", family_name="Handed")
    acme = await _created(north, "/api/v1/companies", name="Acme Handed")
    await _created(north, "/api/v1/activities", type="call", subject="Intro call", participant_ids=[ada["id"]],
                   links=[{"record_type": "company", "record_id": acme["id"]}])
    home = await north_browser.get("/")
    assert "Intro call" in home.text and "Ada Handed" in home.text and "Acme Handed" in home.text
    for path in (f"/api/v1/contacts/{ada['id']}", f"/api/v1/companies/{acme['id']}"):
        handed = await crm_client.patch(path, json={"owner_id": south.principal.id})
        assert handed.status_code == 200, handed.text
    home = await assert_names_hidden(north_browser, "/", "Ada Handed", "Acme Handed")
    assert "Intro call" in home.text  # Alice's own call stays on her day
