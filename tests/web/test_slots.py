"""Plugins extend pages through the slots the core renders, and render pages of their own
with the core's layout (``toolkit.render_page``)."""

from __future__ import annotations

import types
from pathlib import Path

import httpx
import pytest
from crm_hookspecs import Routes, TemplateDir, hookimpl
from litestar import Request, Response, get

from crm_platform import runtime, toolkit
from crm_platform.instance.plugins import set_enabled
from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
def crm_plugins() -> list:
    return ["probe", ("webtest", _page_plugin())]


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def _contact_with_note(admin_browser: httpx.AsyncClient, crm_client: httpx.AsyncClient) -> int:
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Hugo"})).json()
    note = await crm_client.post("/api/v1/probe/notes", json={"contact_id": contact["id"], "text": "Likes tea"})
    assert note.status_code == 201
    return contact["id"]


async def test_a_plugins_nav_item_is_in_the_main_navigation(admin_browser) -> None:
    page = await admin_browser.get("/")
    assert 'href="/probe/"' in page.text
    assert ">Probe</a>" in page.text


async def test_a_disabled_plugins_nav_item_is_gone(admin_browser) -> None:
    await set_enabled(runtime.current().host, "probe", False)
    page = await admin_browser.get("/")
    assert 'href="/probe/"' not in page.text


async def test_a_plugins_panel_tab_and_action_are_on_the_contact_page(admin_browser, crm_client) -> None:
    contact_id = await _contact_with_note(admin_browser, crm_client)
    page = await admin_browser.get(f"/contacts/{contact_id}")
    assert '<p class="probe-panel">1 notes</p>' in page.text
    assert f'hx-get="/probe/contacts/{contact_id}/notes"' in page.text
    assert f'href="/probe/contacts/{contact_id}/notes/new">Add a note</a>' in page.text


async def test_a_panel_template_shows_its_context_escaped(admin_browser, crm_client) -> None:
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ines"})).json()
    text = "<script>alert(1)</script> & tea"
    await crm_client.post("/api/v1/probe/notes", json={"contact_id": contact["id"], "text": text})
    page = await admin_browser.get(f"/contacts/{contact['id']}")
    assert page.status_code == 200
    assert '<p class="probe-latest-text">&lt;script&gt;alert(1)&lt;/script&gt; &amp; tea</p>' in page.text
    assert "<script>alert(1)</script>" not in page.text


async def test_a_panel_template_has_the_principal_the_request_and_a_csrf_field(admin_browser, crm_client) -> None:
    contact_id = await _contact_with_note(admin_browser, crm_client)
    page = await admin_browser.get(f"/contacts/{contact_id}")
    panel = page.text.split('<div class="probe-latest">', 1)[1].split("</div>", 1)[0]
    assert f"Shown to admin@example.com on /contacts/{contact_id}" in panel
    assert 'name="_csrf_token"' in panel


async def test_a_widget_template_is_rendered_on_my_day_for_the_user(admin_browser) -> None:
    page = await admin_browser.get("/")
    assert '<p class="probe-greeting">Hello, admin</p>' in page.text


async def test_a_plugins_timeline_items_join_the_activities(admin_browser, crm_client) -> None:
    contact_id = await _contact_with_note(admin_browser, crm_client)
    page = await admin_browser.get(f"/contacts/{contact_id}")
    assert "<p>Likes tea</p>" in page.text


async def test_a_plugins_dashboard_widget_is_on_my_day(admin_browser, crm_client) -> None:
    await _contact_with_note(admin_browser, crm_client)
    page = await admin_browser.get("/")
    assert "1 notes in all" in page.text


async def test_global_search_includes_a_plugins_records(admin_browser, crm_client) -> None:
    await _contact_with_note(admin_browser, crm_client)
    results = await admin_browser.get("/search?q=tea", headers={"HX-Request": "true"})
    assert "Likes tea" in results.text
    assert 'href="/probe/notes/' in results.text


async def test_a_plugins_static_files_are_served_under_its_slug(admin_browser) -> None:
    response = await admin_browser.get("/static/probe/probe.css")
    assert response.status_code == 200


async def test_settings_list_the_plugin_and_disable_it(admin_browser) -> None:
    page = await admin_browser.get("/settings")
    assert "probe" in page.text
    response = await admin_browser.post("/settings/plugins/probe",
                                        data={"enabled": "false", "_csrf_token": await form_token(admin_browser)})
    assert response.status_code == 303
    assert not runtime.current().host.is_active("probe")


def _page_plugin() -> types.ModuleType:
    """A plugin with a page of its own, rendered through the toolkit."""

    @get("/", include_in_schema=False)
    async def plugin_page(request: Request) -> Response:
        return toolkit.render_page(request, "webtest/page.html", greeting="<b>hello</b>")

    module = types.ModuleType("crm_webtest_plugin")
    module.crm_template_dirs = hookimpl(lambda: [TemplateDir(str(Path(__file__).with_name("plugin_templates")))])
    module.crm_web_routes = hookimpl(lambda: [Routes((plugin_page,))])
    return module


async def test_a_plugin_page_is_rendered_in_the_core_layout_with_a_csrf_field(crm_running_app, crm_admin) -> None:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        page = await client.get("/webtest/")
    assert page.status_code == 200
    assert "<h1>A plugin's page</h1>" in page.text
    assert 'class="topbar"' in page.text  # the core's base.html
    assert 'name="_csrf_token"' in page.text
    assert "&lt;b&gt;hello&lt;/b&gt;" in page.text
