"""The contact form picks the company a contact works at: saved as a works-at link, shown and
changed when the profile is edited."""

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


async def _company(client: httpx.AsyncClient, name: str) -> int:
    return (await client.post("/api/v1/companies", json={"name": name})).json()["id"]


async def _works_at(client: httpx.AsyncClient, contact_id: int) -> list[str]:
    return [company["name"] for company in (await client.get(f"/api/v1/contacts/{contact_id}")).json()["companies"]]


async def test_the_picked_company_is_linked_on_create(crm_client, admin_browser) -> None:
    acme = await _company(crm_client, "Acme Tools")
    picks = await admin_browser.get("/search/pick", params={"kind": "company", "name": "company_id", "target_q": "acme"})
    assert f'name="company_id" value="company:{acme}"' in picks.text

    token = await form_token(admin_browser, "/contacts/new")
    created = await admin_browser.post("/contacts", data={
        "_csrf_token": token, "given_name": "Ada", "family_name": "Lovelace", "company_id": f"company:{acme}"})
    assert created.status_code == 303
    contact_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert await _works_at(crm_client, contact_id) == ["Acme Tools"]
    page = await admin_browser.get(f"/contacts/{contact_id}")
    assert "Acme Tools" in page.text


async def test_a_missing_company_is_named_on_the_form_and_nothing_is_saved(crm_client, admin_browser) -> None:
    token = await form_token(admin_browser, "/contacts/new")
    refused = await admin_browser.post("/contacts", data={
        "_csrf_token": token, "given_name": "Nobody", "company_id": "company:999999"})
    assert refused.status_code == 422
    assert "company 999999 does not exist" in refused.text
    assert (await crm_client.get("/api/v1/contacts", params={"q": "Nobody"})).json()["items"] == []


async def test_editing_shows_the_company_and_changes_it(crm_client, admin_browser) -> None:
    acme = await _company(crm_client, "Acme Tools")
    globex = await _company(crm_client, "Globex")
    contact_id = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Grace", "company_ids": [acme]})).json()["id"]

    form = await admin_browser.get(f"/contacts/{contact_id}/profile", params={"edit": "true"})
    assert f'value="company:{acme}" checked> <strong>Acme Tools</strong>' in form.text

    token = await form_token(admin_browser, f"/contacts/{contact_id}")
    saved = await admin_browser.post(f"/contacts/{contact_id}", data={
        "_csrf_token": token, "given_name": "Grace", "lifecycle_stage": "lead", "company_id": f"company:{globex}"})
    assert saved.status_code == 303
    assert await _works_at(crm_client, contact_id) == ["Globex"]

    cleared = await admin_browser.post(f"/contacts/{contact_id}", data={
        "_csrf_token": token, "given_name": "Grace", "lifecycle_stage": "lead", "company_id": ""})
    assert cleared.status_code == 303
    assert await _works_at(crm_client, contact_id) == []
