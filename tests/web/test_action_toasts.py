"""Every create and edit says it worked: the next page's toast names what was done (an htmx
answer says it in its ``X-Toast`` header)."""

from __future__ import annotations

import httpx
import pytest

from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
async def browser_client(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


def _toast(html: str) -> str:
    start = html.index('id="toast"')
    return html[start:html.index("</div>", start)]


async def _post(client: httpx.AsyncClient, form_page: str, action: str, **data: str) -> httpx.Response:
    token = await form_token(client, form_page)
    return await client.post(action, data={"_csrf_token": token, **data}, follow_redirects=True)


async def test_creating_a_contact_and_a_company_confirms_with_their_names(browser_client):
    page = await _post(browser_client, "/contacts/new", "/contacts", given_name="Ada", family_name="Lovelace")
    assert "Contact Ada Lovelace created." in _toast(page.text)
    page = await _post(browser_client, "/companies/new", "/companies", name="Analytical Engines")
    assert "Company Analytical Engines created." in _toast(page.text)


async def test_logging_scheduling_and_relating_on_a_contact_page_confirm(browser_client, crm_client):
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    alan = (await crm_client.post("/api/v1/contacts", json={"given_name": "Alan"})).json()
    here = f"/contacts/{ada['id']}"
    page = await _post(browser_client, here, f"{here}/activities", type="call", subject="Rang about the pilot")
    assert "Activity logged." in _toast(page.text)
    page = await _post(browser_client, here, f"{here}/follow-ups", subject="Send the notes", due_at="2031-01-05T09:00")
    assert "Follow-up scheduled." in _toast(page.text)
    page = await _post(browser_client, here, f"{here}/relationships", type="referred_by", target=f"contact:{alan['id']}")
    assert "Relationship added." in _toast(page.text)
    # The toast shows once.
    assert "Relationship added." not in _toast((await browser_client.get(here)).text)


async def test_saving_a_profile_from_htmx_confirms_in_the_toast_header(browser_client, crm_client):
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    token = await form_token(browser_client, f"/contacts/{ada['id']}")
    response = await browser_client.post(f"/contacts/{ada['id']}", headers={"hx-request": "true"}, data={
        "_csrf_token": token, "given_name": "Ada", "family_name": "King", "lifecycle_stage": "lead"})
    assert response.status_code == 200, response.text
    assert response.headers["x-toast"] == "Contact saved."
