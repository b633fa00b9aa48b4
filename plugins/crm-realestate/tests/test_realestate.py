"""The Realestate plugin as its users see it: the API, the pages, the contact panel, search and the
audit log, on SQLite and on PostgreSQL (``CRM_TEST_POSTGRES_URL``; skipped, saying why, when
unreachable)."""

from __future__ import annotations

import pytest
from crm_platform.testing import client_for

from crm_realestate import plugin

ITEMS = "/api/v1/realestate/items"


@pytest.fixture
def crm_plugins():
    # A (slug, module) pair: the app loads the plugin whether it is installed or not.
    return [("realestate", plugin)]


async def _contact(client, name: str = "Ada") -> dict:
    response = await client.post("/api/v1/contacts", json={"given_name": name})
    assert response.status_code == 201, response.text
    return response.json()


async def _add(client, title: str, contact_id: int | None = None, **fields) -> dict:
    response = await client.post(ITEMS, json={"title": title, "contact_id": contact_id, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def _titles(client, **params) -> list[str]:
    response = await client.get(ITEMS, params=params)
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def test_an_item_is_added_read_changed_and_deleted(crm_client):
    contact = await _contact(crm_client)
    item = await _add(crm_client, "  Call   Ada back ", contact["id"], tags=["Urgent"])
    assert (item["title"], item["contact_id"], item["tags"]) == ("Call Ada back", contact["id"], ["urgent"])
    assert (await crm_client.get(f"{ITEMS}/{item['id']}")).json() == item

    changed = await crm_client.patch(f"{ITEMS}/{item['id']}", json={"title": "Ada called", "contact_id": None})
    assert changed.status_code == 200, changed.text
    changed = changed.json()
    assert (changed["title"], changed["contact_id"], changed["tags"]) == ("Ada called", None, ["urgent"])

    assert (await crm_client.delete(f"{ITEMS}/{item['id']}")).status_code == 204
    assert (await crm_client.get(f"{ITEMS}/{item['id']}")).status_code == 404
    assert await _titles(crm_client) == []


async def test_items_are_listed_newest_first_a_page_at_a_time(crm_client):
    for title in ("First", "Second", "Third"):
        await _add(crm_client, title)
    first = (await crm_client.get(ITEMS, params={"limit": 2})).json()
    assert [item["title"] for item in first["items"]] == ["Third", "Second"]
    assert await _titles(crm_client, limit=2, cursor=first["next_cursor"]) == ["First"]


async def test_the_list_keeps_the_items_about_one_contact(crm_client):
    contact = await _contact(crm_client)
    await _add(crm_client, "About Ada", contact["id"])
    await _add(crm_client, "About nobody")
    assert await _titles(crm_client, contact_id=contact["id"]) == ["About Ada"]


async def test_wrong_fields_are_all_named_and_nothing_is_stored(crm_client):
    response = await crm_client.post(
        ITEMS, json={"title": "   ", "contact_id": 99999, "owner_id": 424242, "custom": {"colour": "red"}}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"title", "contact_id", "owner_id", "custom.colour"}
    assert await _titles(crm_client) == []


async def test_a_change_is_checked_like_a_new_item(crm_client):
    item = await _add(crm_client, "Fine")
    response = await crm_client.patch(f"{ITEMS}/{item['id']}", json={"title": "x" * 201, "contact_id": 99999})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"title", "contact_id"}
    assert (await crm_client.get(f"{ITEMS}/{item['id']}")).json()["title"] == "Fine"


async def test_an_unknown_field_is_refused(crm_client):
    response = await crm_client.post(ITEMS, json={"title": "Fine", "colour": "red"})
    assert response.status_code == 422


async def test_a_limit_out_of_range_is_refused_naming_it(crm_client):
    response = await crm_client.get(ITEMS, params={"limit": 0})
    assert response.status_code == 422
    assert "limit" in response.json()["errors"]


async def test_a_member_sees_and_changes_only_their_own_items(crm_client, crm_running_app, crm_make_user):
    admins = await _add(crm_client, "The admin's")
    _, token = await crm_make_user("member@example.com")
    async with client_for(crm_running_app, token) as member:
        await _add(member, "The member's")
        assert await _titles(member) == ["The member's"]
        assert (await member.get(f"{ITEMS}/{admins['id']}")).status_code == 403
        assert (await member.patch(f"{ITEMS}/{admins['id']}", json={"title": "Mine now"})).status_code == 403
        assert (await member.delete(f"{ITEMS}/{admins['id']}")).status_code == 403
    assert await _titles(crm_client) == ["The member's", "The admin's"]


async def test_adding_needs_the_create_permission(crm_client, crm_running_app, crm_make_user):
    revoked = await crm_client.put("/api/v1/permissions/realestate.create", json={"roles": ["admin", "manager"]})
    assert revoked.status_code == 200, revoked.text
    _, token = await crm_make_user("member@example.com")
    async with client_for(crm_running_app, token) as member:
        refused = await member.post(ITEMS, json={"title": "Not allowed"})
    assert refused.status_code == 403
    assert "realestate.create" in refused.json()["detail"]
    assert await _titles(crm_client) == []


async def test_the_history_shows_who_changed_what(crm_client, crm_admin):
    admin, _ = crm_admin
    item = await _add(crm_client, "Draft")
    await crm_client.patch(f"{ITEMS}/{item['id']}", json={"title": "Final"})
    history = (await crm_client.get(f"{ITEMS}/{item['id']}/history")).json()
    assert [(entry["action"], entry["actor_id"]) for entry in history] == [("update", admin.id), ("create", admin.id)]
    assert history[0]["changes"] == {"title": {"from": "Draft", "to": "Final"}}


async def test_search_finds_an_item_by_its_title_and_links_to_its_page(crm_client):
    item = await _add(crm_client, "Quarterly review")
    found = (await crm_client.get("/api/v1/search", params={"q": "quarterly"})).json()["items"]
    assert [(hit["kind"], hit["id"], hit["href"]) for hit in found] == [
        ("realestate.item", item["id"], f"/realestate/{item['id']}")
    ]
    await crm_client.delete(f"{ITEMS}/{item['id']}")
    assert (await crm_client.get("/api/v1/search", params={"q": "quarterly"})).json()["items"] == []


async def test_the_page_lists_the_items_under_the_title_setting(crm_client):
    await _add(crm_client, "Shown on the page")
    page = await crm_client.get("/realestate/")
    assert page.status_code == 200
    assert "<h1>Realestate</h1>" in page.text
    assert "Shown on the page" in page.text
    changed = await crm_client.put("/api/v1/settings/realestate/page_title", json={"value": "Our list"})
    assert changed.status_code == 200, changed.text
    assert "<h1>Our list</h1>" in (await crm_client.get("/realestate/")).text


async def test_an_items_page_shows_it_with_its_contact(crm_client):
    contact = await _contact(crm_client, "Ada")
    item = await _add(crm_client, "Call Ada back", contact["id"])
    page = await crm_client.get(f"/realestate/{item['id']}")
    assert page.status_code == 200
    assert "<h1>Call Ada back</h1>" in page.text
    assert f'href="/contacts/{contact["id"]}"' in page.text
    assert (await crm_client.get("/realestate/999999")).status_code == 404


async def test_a_contact_page_shows_the_items_about_that_contact(crm_client):
    ada, bob = await _contact(crm_client, "Ada"), await _contact(crm_client, "Bob")
    await _add(crm_client, "Call Ada back", ada["id"])
    await _add(crm_client, "Send Bob the offer", bob["id"])
    page = await crm_client.get(f"/contacts/{ada['id']}")
    assert page.status_code == 200
    assert "Call Ada back" in page.text
    assert "Send Bob the offer" not in page.text


async def test_a_deleted_contacts_items_are_about_nobody(crm_client):
    contact = await _contact(crm_client)
    item = await _add(crm_client, "Orphan", contact["id"])
    assert (await crm_client.delete(f"/api/v1/contacts/{contact['id']}")).status_code == 204
    assert (await crm_client.get(f"{ITEMS}/{item['id']}")).json()["contact_id"] is None
