"""The contact page's vCard button downloads the card with the browser's own session."""

from __future__ import annotations

import httpx
import pytest

from crm_platform.testing import client_for
from tests.web.helpers import sign_in


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def test_the_contact_page_offers_its_vcard_and_the_session_downloads_it(admin_browser, crm_client) -> None:
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "family_name": "Lovelace"})).json()
    page = (await admin_browser.get(f"/contacts/{ada['id']}")).text
    link = f'<a class="btn" id="download-vcard" href="/api/v1/contacts/{ada["id"]}/vcard" download>vCard</a>'
    assert link in page
    card = await admin_browser.get(f"/api/v1/contacts/{ada['id']}/vcard")
    assert card.status_code == 200 and "FN:Ada Lovelace\r\n" in card.text
