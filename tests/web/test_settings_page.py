"""The settings page's plugin sections: an admin edits each enabled plugin's settings in typed
fields and grants permissions per role; a mistake is shown beside its field and saves nothing."""

from __future__ import annotations

import re

import httpx
import pytest

from crm_platform import runtime, toolkit
from crm_platform.instance.plugins import set_enabled
from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
def crm_plugins() -> list:
    return ["probe"]


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


PROBE_FORM = {"greeting": "hello", "page_size": "20", "tone": "plain", "launch_on": "", "homepage": "", "reply_to": ""}


async def _save(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    data = {**PROBE_FORM, **fields, "_csrf_token": await form_token(client, "/settings")}
    return await client.post("/settings/plugin-settings/probe", data=data)


def _tag(html: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*id="{field_id}"[^>]*>', html)
    assert match, f"no field {field_id}"
    return match.group(0)


async def test_each_setting_has_a_field_of_its_kind(admin_browser) -> None:
    page = (await admin_browser.get("/settings")).text
    assert 'id="settings-probe"' in page and "Probe settings" in page
    assert 'type="number"' in _tag(page, "setting-probe-page_size") and 'value="20"' in _tag(page, "setting-probe-page_size")
    assert 'type="checkbox"' in _tag(page, "setting-probe-shout")
    assert _tag(page, "setting-probe-tone").startswith("<select")
    assert 'type="date"' in _tag(page, "setting-probe-launch_on")
    assert 'type="url"' in _tag(page, "setting-probe-homepage")
    assert 'type="email"' in _tag(page, "setting-probe-reply_to")
    assert 'value="hello"' in _tag(page, "setting-probe-greeting")
    assert "When the probe goes live. Leave empty for none." in page


async def test_saving_stores_the_values_and_the_plugin_reads_them(admin_browser) -> None:
    response = await _save(admin_browser, greeting="ahoy", page_size="35", shout="on", tone="warm",
                           launch_on="2026-03-01")
    assert response.status_code == 303
    assert response.headers["location"] == "/settings#settings-probe"
    assert await toolkit.setting("probe", "greeting") == "ahoy"
    assert await toolkit.setting("probe", "page_size") == 35
    assert await toolkit.setting("probe", "shout") is True
    assert await toolkit.setting("probe", "tone") == "warm"
    assert await toolkit.setting("probe", "launch_on") == "2026-03-01"
    page = (await admin_browser.get("/settings")).text
    assert '<div class="alert alert-ok" role="status">Settings of Probe saved</div>' in page
    assert "Settings of Probe saved" not in (await admin_browser.get("/settings")).text  # said once
    assert 'value="35"' in _tag(page, "setting-probe-page_size")
    assert "checked" in _tag(page, "setting-probe-shout")


async def test_an_unticked_checkbox_turns_a_boolean_off(admin_browser) -> None:
    await toolkit.set_setting("probe", "shout", True)
    assert (await _save(admin_browser)).status_code == 303
    assert await toolkit.setting("probe", "shout") is False


async def test_a_wrong_value_is_shown_beside_its_field_and_nothing_is_saved(admin_browser) -> None:
    response = await _save(admin_browser, greeting="ahoy", page_size="lots", homepage="example.com")
    assert response.status_code == 422
    assert "Nothing was saved" in response.text
    assert re.search(r'id="setting-probe-page_size-error">must be a number, not &#39;lots&#39;</p>', response.text)
    assert re.search(r'id="setting-probe-homepage-error">must be an http or https address', response.text)
    assert 'value="lots"' in _tag(response.text, "setting-probe-page_size")  # what was typed stays
    assert await toolkit.setting("probe", "greeting") == "hello"


async def test_emptying_a_field_goes_back_to_the_default(admin_browser) -> None:
    await toolkit.set_setting("probe", "page_size", 50)
    assert (await _save(admin_browser, page_size="")).status_code == 303
    assert await toolkit.setting("probe", "page_size") == 20


async def test_the_permissions_table_ticks_the_roles_holding_each(admin_browser) -> None:
    page = (await admin_browser.get("/settings")).text
    row = re.search(r"<tr>\s*<td><strong>Export probe notes</strong>.*?</tr>", page, re.S).group(0)
    ticked = re.findall(r'name="probe.export" value="(\w+)" checked', row)
    assert ticked == ["admin", "manager"]


async def test_granting_a_permission_to_members_lets_them_use_it(admin_browser, crm_running_app, crm_make_user):
    _, token = await crm_make_user("member@example.com", role="member")
    async with client_for(crm_running_app, token) as member:
        assert (await member.get("/api/v1/probe/export")).status_code == 403
        response = await admin_browser.post("/settings/permissions", data={
            "probe.export": ["admin", "manager", "member"], "_csrf_token": await form_token(admin_browser, "/settings"),
        })
        assert response.status_code == 303
        assert (await member.get("/api/v1/probe/export")).status_code == 200


async def test_a_form_without_its_csrf_token_is_refused(admin_browser) -> None:
    response = await admin_browser.post("/settings/plugin-settings/probe", data={**PROBE_FORM, "greeting": "ahoy"})
    assert response.status_code == 403
    assert await toolkit.setting("probe", "greeting") == "hello"


async def test_a_member_sees_no_plugin_settings_and_cannot_save_them(crm_running_app, crm_make_user) -> None:
    await crm_make_user("member@example.com", role="member")
    async with client_for(crm_running_app) as member:
        await sign_in(member, "member@example.com")
        page = (await member.get("/settings")).text
        assert 'id="settings-probe"' not in page and 'id="permissions"' not in page
        token = await form_token(member, "/settings")
        refused = await member.post("/settings/plugin-settings/probe", data={**PROBE_FORM, "_csrf_token": token})
        assert refused.status_code == 403
        refused = await member.post("/settings/permissions", data={"probe.export": "member", "_csrf_token": token})
        assert refused.status_code == 403


async def test_a_disabled_plugin_has_no_settings_section(admin_browser) -> None:
    await set_enabled(runtime.current().host, "probe", False)
    page = (await admin_browser.get("/settings")).text
    assert 'id="settings-probe"' not in page
    assert "No enabled plugin declares permissions." in page


async def test_the_settings_page_announces_no_text_taken_from_its_address(admin_browser) -> None:
    page = await admin_browser.get("/settings", params={"notice": "Your session expired: sign in at evil.example"})
    assert page.status_code == 200
    assert "evil.example" not in page.text and "alert-ok" not in page.text
