"""The new-contact form warns before saving someone who is likely already there."""

from __future__ import annotations

import httpx
import pytest

from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def _post_form(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    return await client.post("/contacts", data={"_csrf_token": await form_token(client, "/contacts/new"), **fields})


async def _contacts_named(client: httpx.AsyncClient, name: str) -> list[dict]:
    response = await client.get("/api/v1/contacts", params={"q": name})
    return response.json()["items"]


async def test_a_likely_duplicate_is_named_with_a_link_and_nothing_is_saved(crm_client, admin_browser) -> None:
    grace = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Grace", "family_name": "Hopper", "phones": [{"number": "+1 415 555 0100"}],
    })).json()

    warned = await _post_form(admin_browser, given_name="Grace", family_name="Hoper", phone="(415) 555-0100")
    assert warned.status_code == 200
    assert "This may be someone you already have" in warned.text
    assert f'<a href="/contacts/{grace["id"]}">Grace Hopper</a> (same phone, similar name)' in warned.text
    assert 'value="Hoper"' in warned.text  # what was typed is kept
    assert [row["display_name"] for row in await _contacts_named(crm_client, "Grace")] == ["Grace Hopper"]

    saved = await _post_form(admin_browser, given_name="Grace", family_name="Hoper", phone="(415) 555-0100",
                             save_anyway="yes")
    assert saved.status_code == 303
    assert saved.headers["location"] != f"/contacts/{grace['id']}"
    assert sorted(row["display_name"] for row in await _contacts_named(crm_client, "Grace")) == [
        "Grace Hoper", "Grace Hopper"]


async def test_someone_new_is_saved_without_a_warning(admin_browser) -> None:
    response = await _post_form(admin_browser, given_name="Edsger", family_name="Dijkstra", email="ed@example.net")
    assert response.status_code == 303


async def test_a_contact_the_user_may_not_see_is_not_named(crm_client, crm_member_client, crm_running_app) -> None:
    await crm_client.post("/api/v1/contacts", json={"given_name": "Hidden", "family_name": "Person",
                                                    "phones": [{"number": "+1 415 555 0199"}]})
    async with client_for(crm_running_app) as member:
        await sign_in(member, "member@example.com")
        response = await _post_form(member, given_name="Hidden", family_name="Person", phone="+1 415 555 0199")
    assert response.status_code == 303
    assert "Hidden Person</a>" not in response.text
