"""Deleting from record pages, the Undo toast, the trash page, and editing or deleting a
timeline item, through an in-process client signed in as a browser is."""

from __future__ import annotations

import re

import httpx
import pytest

from crm_platform.testing import client_for
from tests.web.helpers import csrf_token_in, form_token, sign_in


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def post_form(client: httpx.AsyncClient, page: str, action: str, **fields: str) -> httpx.Response:
    return await client.post(action, data={"_csrf_token": await form_token(client, page), **fields})


async def test_deleting_a_contact_offers_undo_once_and_undo_brings_it_back(admin_browser, crm_client) -> None:
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "family_name": "Lovelace"})).json()
    page = (await admin_browser.get(f"/contacts/{ada['id']}")).text
    assert 'data-confirm="Delete Ada Lovelace? You can restore it from the trash."' in page

    deleted = await post_form(admin_browser, f"/contacts/{ada['id']}", f"/contacts/{ada['id']}/delete")
    assert (deleted.status_code, deleted.headers["location"]) == (303, "/contacts")
    listing = (await admin_browser.get("/contacts")).text
    assert "Deleted Ada Lovelace." in listing
    undo = re.search(r'action="(/trash/\d+/restore)"', listing).group(1)
    assert "Deleted Ada Lovelace." not in (await admin_browser.get("/contacts")).text

    restored = await admin_browser.post(undo, data={"_csrf_token": csrf_token_in(listing)})
    assert (restored.status_code, restored.headers["location"]) == (303, f"/contacts/{ada['id']}")
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()["display_name"] == "Ada Lovelace"


async def test_the_trash_page_lists_and_restores(admin_browser, crm_client) -> None:
    acme = (await crm_client.post("/api/v1/companies", json={"name": "Acme <Labs>"})).json()
    deleted = await post_form(admin_browser, f"/companies/{acme['id']}", f"/companies/{acme['id']}/delete")
    assert deleted.headers["location"] == "/companies"
    trash = (await admin_browser.get("/trash")).text
    assert "Acme &lt;Labs&gt;" in trash and "Company" in trash
    assert 'href="/trash" aria-current="page"' in trash
    restore = re.search(r'action="(/trash/\d+/restore)"', trash).group(1)
    response = await admin_browser.post(restore, data={"_csrf_token": csrf_token_in(trash)})
    assert response.headers["location"] == f"/companies/{acme['id']}"
    assert "The trash is empty." in (await admin_browser.get("/trash")).text


async def test_a_restore_that_conflicts_says_why_on_the_trash_page(admin_browser, crm_client) -> None:
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "emails": [{"address": "a@example.com"}]})).json()
    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    await crm_client.post("/api/v1/contacts", json={"given_name": "Eve", "emails": [{"address": "a@example.com"}]})
    trash = (await admin_browser.get("/trash")).text
    restore = re.search(r'action="(/trash/\d+/restore)"', trash).group(1)
    response = await admin_browser.post(restore, data={"_csrf_token": csrf_token_in(trash)})
    assert response.status_code == 409
    assert "its primary_email a@example.com now belongs to contact" in response.text


async def test_a_member_sees_no_other_teams_trash_and_cannot_purge(crm_running_app, crm_client, crm_make_user) -> None:
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Admin's Ada"})).json()
    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    await crm_make_user("mel@example.com", team="Elsewhere")
    async with client_for(crm_running_app) as member:
        await sign_in(member, "mel@example.com")
        page = (await member.get("/trash")).text
        assert "Admin&#39;s Ada" not in page and "The trash is empty." in page
        assert "Delete for good" not in page


async def test_a_timeline_item_is_edited_in_place(admin_browser, crm_client) -> None:
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    acme = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()
    call = (await crm_client.post("/api/v1/activities", json={
        "type": "call", "subject": "Intro", "participant_ids": [ada["id"]]})).json()
    page = (await admin_browser.get(f"/contacts/{ada['id']}")).text
    assert f'hx-get="/activities/{call["id"]}/edit?next=/contacts/{ada["id"]}"' in page

    fragment = await admin_browser.get(f"/activities/{call['id']}/edit", params={"next": f"/contacts/{ada['id']}"},
                                       headers={"hx-request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'name="keep" value="contact:{ada["id"]}" checked' in fragment.text
    saved = await admin_browser.post(f"/activities/{call['id']}/edit", data={
        "_csrf_token": csrf_token_in(fragment.text), "next": f"/contacts/{ada['id']}", "type": "meeting",
        "subject": "Intro meeting", "body": "Went well", "occurred_at": "2026-03-02T10:30",
        "keep": f"contact:{ada['id']}", "target": f"company:{acme['id']}",
    })
    assert (saved.status_code, saved.headers["location"]) == (303, f"/contacts/{ada['id']}#timeline")
    changed = (await crm_client.get(f"/api/v1/activities/{call['id']}")).json()
    assert (changed["type"], changed["subject"], changed["body"]) == ("meeting", "Intro meeting", "Went well")
    assert changed["occurred_at"].startswith("2026-03-02T10:30")
    assert changed["participant_ids"] == [ada["id"]]
    assert {(link["record_type"], link["record_id"]) for link in changed["links"]} == {
        ("contact", ada["id"]), ("company", acme["id"])}


async def test_an_edit_without_a_summary_or_notes_is_refused_with_the_form(admin_browser, crm_client) -> None:
    call = (await crm_client.post("/api/v1/activities", json={"type": "call", "subject": "Intro"})).json()
    form = (await admin_browser.get(f"/activities/{call['id']}/edit")).text
    response = await admin_browser.post(f"/activities/{call['id']}/edit", data={
        "_csrf_token": csrf_token_in(form), "type": "follow_up", "subject": "", "body": ""})
    assert response.status_code == 422
    assert "say what happened" in response.text
    response = await admin_browser.post(f"/activities/{call['id']}/edit", data={
        "_csrf_token": csrf_token_in(form), "type": "follow_up", "subject": "Intro"})
    assert response.status_code == 422 and "an activity stays an activity" in response.text


async def test_a_timeline_item_is_deleted_with_undo(admin_browser, crm_client) -> None:
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    note = (await crm_client.post("/api/v1/activities", json={
        "type": "note", "subject": "Likes tea", "participant_ids": [ada["id"]]})).json()
    response = await post_form(admin_browser, f"/contacts/{ada['id']}", f"/activities/{note['id']}/delete",
                               next=f"/contacts/{ada['id']}#timeline")
    assert response.headers["location"] == f"/contacts/{ada['id']}#timeline"
    page = (await admin_browser.get(f"/contacts/{ada['id']}")).text
    assert "Deleted Likes tea." in page
    assert "Nothing here yet." in page.split('id="timeline-list"')[1]
    assert (await crm_client.get(f"/api/v1/activities/{note['id']}")).status_code == 404


async def test_a_relationship_is_removed_from_the_contact_and_company_pages(admin_browser, crm_client) -> None:
    acme = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "company_ids": [acme["id"]]})).json()
    bob = (await crm_client.post("/api/v1/contacts", json={"given_name": "Bob"})).json()
    await crm_client.post("/api/v1/relationships", json={"type": "referred_by", "source": {"type": "contact", "id": bob["id"]},
                                                         "target": {"type": "contact", "id": ada["id"]}})
    company_page = (await admin_browser.get(f"/companies/{acme['id']}")).text
    assert 'aria-label="Remove the relationship with Ada"' in company_page
    works_at = re.search(r'action="(/relationships/\d+/delete)"', company_page).group(1)
    response = await admin_browser.post(works_at, data={"_csrf_token": csrf_token_in(company_page),
                                                        "next": f"/companies/{acme['id']}"})
    assert response.headers["location"] == f"/companies/{acme['id']}"
    assert "Removed the relationship." in (await admin_browser.get(f"/companies/{acme['id']}")).text
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()["companies"] == []

    contact_page = (await admin_browser.get(f"/contacts/{ada['id']}")).text
    referred = re.search(r'action="(/relationships/\d+/delete)"', contact_page).group(1)
    await admin_browser.post(referred, data={"_csrf_token": csrf_token_in(contact_page), "next": f"/contacts/{ada['id']}"})
    related = (await crm_client.get("/api/v1/relationships", params={"record_type": "contact",
                                                                     "record_id": ada["id"]})).json()["items"]
    assert related == []


async def test_the_trash_page_runs_as_many_statements_for_20_entries_as_for_2(admin_browser, crm_client, crm_engine) -> None:
    from tests.web.test_page_queries import statements_for

    async def delete_some(count: int, start: int) -> None:
        for number in range(start, start + count):
            record = (await crm_client.post("/api/v1/contacts", json={"given_name": f"Gone{number}"})).json()
            await crm_client.delete(f"/api/v1/contacts/{record['id']}")

    await delete_some(2, 0)
    few = await statements_for(crm_engine, admin_browser, "/trash")
    await delete_some(18, 2)
    many = await statements_for(crm_engine, admin_browser, "/trash")
    assert many == few
