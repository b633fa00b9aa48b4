"""An admin sets up a plugin in a real browser: a wrong value is shown beside its field, a
right one is kept, and a permission granted to members lets a member use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crm_platform.testing import serve
from tests.web.browser import Server, new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def plugin_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(Path(__file__).with_name("serve_plugin_app.py"), tmp_path_factory.mktemp("plugin-app")) as (url, facts):
        yield Server(url, facts)


def test_an_admin_sets_a_plugins_settings_and_grants_a_permission(browser, plugin_app) -> None:
    page = new_page(browser, plugin_app)
    sign_in(page, "admin@example.com")
    page.goto("/settings#settings-probe")
    section = page.locator("#settings-probe")
    section.get_by_label("Home page").fill("probe.example")
    section.get_by_label("Notes per page").fill("35")
    section.get_by_role("button", name="Save Probe settings").click()
    assert "must be an http or https address" in page.locator("#setting-probe-homepage-error").inner_text()
    assert page.locator("#settings-probe .alert-error").is_visible()

    section = page.locator("#settings-probe")
    section.get_by_label("Home page").fill("https://probe.example")
    section.get_by_label("Greet in capitals").check()
    section.get_by_label("Tone of the greeting").select_option("warm")
    section.get_by_role("button", name="Save Probe settings").click()
    assert page.locator(".alert-ok").inner_text() == "Settings of Probe saved"
    section = page.locator("#settings-probe")
    assert section.get_by_label("Home page").input_value() == "https://probe.example"
    assert section.get_by_label("Notes per page").input_value() == "35"
    assert section.get_by_label("Greet in capitals").is_checked()
    screenshot(page, "desktop-plugin-settings")

    member_api = httpx.Client(base_url=plugin_app.url, headers={"Authorization": f"Bearer {plugin_app.facts['member_token']}"})
    assert member_api.get("/api/v1/probe/export").status_code == 403
    page.get_by_label("Member: Export probe notes").check()
    page.get_by_role("button", name="Save permissions").click()
    assert page.locator(".alert-ok").inner_text() == "Permissions saved (1 changed)"
    assert page.get_by_label("Member: Export probe notes").is_checked()
    assert member_api.get("/api/v1/probe/export").status_code == 200
    assert member_api.get("/api/v1/probe/greeting").json() == {"greeting": "HELLO", "page_size": 35}
