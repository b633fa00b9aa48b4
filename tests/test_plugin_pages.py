"""What a signed-in user sees of the ``probe`` plugin on the web UI's pages: its nav item,
dashboard widget, record panel, tab and action, and its static files; and that they vanish
while it is disabled."""

from __future__ import annotations

import pytest

from crm_platform import runtime
from crm_platform.instance.plugins import set_enabled


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]


async def _contact_page(client) -> tuple[int, str]:
    response = await client.post("/api/v1/contacts", json={"given_name": "Pam", "family_name": "Page"})
    contact_id = response.json()["id"]
    page = await client.get(f"/contacts/{contact_id}")
    assert page.status_code == 200
    return contact_id, page.text


async def test_home_page_shows_the_nav_item_and_the_dashboard_widget(crm_client):
    home = (await crm_client.get("/")).text
    assert 'href="/probe/"' in home
    assert "notes in all" in home


async def test_contact_page_shows_the_panel_tab_and_action(crm_client):
    contact_id, page = await _contact_page(crm_client)
    assert '<p class="probe-panel">0 notes</p>' in page
    assert f"/probe/contacts/{contact_id}/notes" in page
    assert f"/probe/contacts/{contact_id}/notes/new" in page


async def test_disabled_plugin_vanishes_from_the_pages(crm_client):
    await set_enabled(runtime.current().host, "probe", False)
    home = (await crm_client.get("/")).text
    contact_id, page = await _contact_page(crm_client)
    assert 'href="/probe/"' not in home
    assert "notes in all" not in home
    assert "probe-panel" not in page
    assert f"/probe/contacts/{contact_id}/notes" not in page


async def test_enabling_again_brings_the_slots_back(crm_client):
    await set_enabled(runtime.current().host, "probe", False)
    await set_enabled(runtime.current().host, "probe", True)
    _, page = await _contact_page(crm_client)
    assert "probe-panel" in page
    assert 'href="/probe/"' in page


@pytest.mark.exercises("crm_static_dirs")
async def test_static_files_are_served_under_the_slug(crm_anonymous_client):
    response = await crm_anonymous_client.get("/static/probe/probe.css")
    assert response.status_code == 200
    assert ".probe-panel" in response.text
