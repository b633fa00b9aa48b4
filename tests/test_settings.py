"""Plugin settings: an admin changes one through the API, the value is checked against the
setting's kind, stored for the instance, audited, and the plugin reads it through
``toolkit.setting``."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import Permission, Setting, hookimpl

from crm_platform import runtime, toolkit
from crm_platform.app import build_host
from crm_platform.audit import service as audit
from crm_platform.instance.plugins import set_enabled
from crm_platform.testing import client_for


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]


async def _put(client, key: str, value, slug: str = "probe"):
    return await client.put(f"/api/v1/settings/{slug}/{key}", json={"value": value})


def _by_key(listing: list[dict]) -> dict[str, dict]:
    return {item["key"]: item for item in listing}


async def test_a_number_stored_for_the_instance_reads_back_as_a_number(crm_running_app):
    # On SQLite the JSON column turned a stored number into text the reader choked on.
    await toolkit.set_setting("probe", "page_size", 50)
    assert await toolkit.setting("probe", "page_size") == 50


@pytest.mark.parametrize(
    ("key", "value"),
    [("greeting", "14"), ("greeting", "true"), ("shout", True), ("page_size", 2.5), ("tone", "warm"),
     ("launch_on", "2026-03-01"), ("homepage", "https://example.com/probe"), ("reply_to", "probe@example.com")],
)
async def test_every_kind_of_value_reads_back_as_it_was_set(crm_running_app, key, value):
    await toolkit.set_setting("probe", key, value)
    assert await toolkit.setting("probe", key) == value


async def test_an_unset_setting_reads_as_its_declared_default(crm_running_app):
    assert await toolkit.setting("probe", "greeting") == "hello"
    assert await toolkit.setting("probe", "page_size") == 20


async def test_reading_an_undeclared_setting_names_the_plugin_and_the_key(crm_running_app):
    with pytest.raises(KeyError) as raised:
        await toolkit.setting("probe", "greting")
    assert "plugin 'probe' declares no setting 'greting'" in str(raised.value)
    assert "greeting" in str(raised.value)


async def test_listing_shows_every_declared_setting_with_value_default_and_kind(crm_client):
    response = await crm_client.get("/api/v1/settings")
    assert response.status_code == 200
    listed = _by_key([item for item in response.json() if item["plugin"] == "probe"])
    assert listed["greeting"] == {
        "plugin": "probe", "key": "greeting", "label": "Greeting on the probe page", "kind": "text", "help": "",
        "choices": [], "default": "hello", "value": "hello", "stored": False,
    }
    assert listed["tone"]["choices"] == ["plain", "warm"]
    assert listed["launch_on"]["help"] == "When the probe goes live."


async def test_admin_changes_a_setting_and_the_plugin_sees_it(crm_client):
    response = await _put(crm_client, "greeting", "ahoy")
    assert response.status_code == 200, response.text
    assert response.json()["value"] == "ahoy" and response.json()["stored"] is True
    assert (await crm_client.get("/api/v1/probe/greeting")).json()["greeting"] == "ahoy"
    assert (await _put(crm_client, "shout", True)).status_code == 200
    assert (await crm_client.get("/api/v1/probe/greeting")).json()["greeting"] == "AHOY"


async def test_one_plugins_settings_are_listed_on_their_own(crm_client):
    await _put(crm_client, "page_size", 30)
    listed = _by_key((await crm_client.get("/api/v1/settings/probe")).json())
    assert listed["page_size"]["value"] == 30 and listed["page_size"]["default"] == 20


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("page_size", "many", "must be a number"),
        ("page_size", True, "must be a number"),
        ("shout", "yes", "must be true or false"),
        ("tone", "loud", "must be one of plain, warm"),
        ("launch_on", "1 March", "must be a date like 2026-03-01"),
        ("homepage", "example.com", "must be an http or https address"),
        ("reply_to", "not an address", "must be an email address"),
        ("greeting", 14, "must be a string"),
    ],
)
async def test_a_value_of_the_wrong_kind_is_refused_naming_the_key_and_nothing_is_stored(
    crm_client, key, value, problem
):
    response = await _put(crm_client, key, value)
    assert response.status_code == 422
    message = response.json()["errors"]["value"]
    assert f"setting probe.{key} {problem}" in message
    assert _by_key((await crm_client.get("/api/v1/settings/probe")).json())[key]["stored"] is False


async def test_a_body_without_a_value_is_refused(crm_client):
    response = await crm_client.put("/api/v1/settings/probe/greeting", json={"text": "hi"})
    assert response.status_code == 422


async def test_an_email_and_a_date_are_stored_normalised(crm_client):
    assert (await _put(crm_client, "reply_to", "Probe@Example.COM")).json()["value"] == "probe@example.com"


async def test_null_goes_back_to_the_default(crm_client):
    await _put(crm_client, "greeting", "ahoy")
    response = await _put(crm_client, "greeting", None)
    assert response.status_code == 200
    assert response.json()["value"] == "hello" and response.json()["stored"] is False
    assert await toolkit.setting("probe", "greeting") == "hello"


async def test_unknown_plugin_or_key_is_404_naming_it(crm_client):
    response = await _put(crm_client, "greting", "hi")
    assert response.status_code == 404
    assert "plugin 'probe' declares no setting 'greting'" in response.json()["detail"]
    response = await _put(crm_client, "greeting", "hi", slug="nosuch")
    assert response.status_code == 404
    assert "no plugin named 'nosuch' is installed" in response.json()["detail"]
    assert (await crm_client.get("/api/v1/settings/nosuch")).status_code == 404


async def test_a_disabled_plugins_settings_cannot_be_set_and_are_not_listed(crm_client):
    await set_enabled(runtime.current().host, "probe", False)
    response = await _put(crm_client, "greeting", "hi")
    assert response.status_code == 404
    assert "plugin 'probe' is not enabled" in response.json()["detail"]
    assert [item for item in (await crm_client.get("/api/v1/settings")).json() if item["plugin"] == "probe"] == []


@pytest.mark.parametrize("role", ["member", "manager"])
async def test_only_admins_change_or_list_settings(crm_running_app, crm_make_user, role):
    _, token = await crm_make_user(f"{role}@example.com", role=role)
    async with client_for(crm_running_app, token) as client:
        response = await _put(client, "greeting", "hi")
        assert response.status_code == 403
        assert "only admins can change settings" in response.json()["detail"]
        assert (await client.get("/api/v1/settings")).status_code == 403
    assert await toolkit.setting("probe", "greeting") == "hello"


async def test_a_change_is_recorded_in_the_audit_log_with_who_and_what(crm_client, crm_admin):
    await _put(crm_client, "page_size", 30)
    await _put(crm_client, "page_size", 30)  # the same value again changes nothing
    await _put(crm_client, "page_size", 40)
    entries = await audit.history("setting", 0)
    assert [entry["changes"] for entry in entries] == [
        {"setting": "probe.page_size", "value": {"from": 30, "to": 40}},
        {"setting": "probe.page_size", "value": {"from": 20, "to": 30}},
    ]
    assert {entry["actor_id"] for entry in entries} == {crm_admin[0].id}


async def test_setting_a_value_from_code_is_checked_too(crm_running_app):
    with pytest.raises(toolkit.Invalid) as raised:
        await toolkit.set_setting("probe", "page_size", "20")
    assert raised.value.errors == {"value": "setting probe.page_size must be a number, not '20'"}


def _plugin_declaring(hook: str, make) -> types.ModuleType:
    module = types.ModuleType("crm_odd_plugin")
    setattr(module, hook, hookimpl(lambda: [make()]))
    return module


@pytest.mark.parametrize(
    ("hook", "make", "reason"),
    [
        ("crm_settings", lambda: Setting("tone", "Tone", kind="choice"), "setting 'tone' is a choice: list its choices"),
        ("crm_settings", lambda: Setting("size", "Size", kind="integer"), "setting 'size' has unknown kind 'integer'"),
        ("crm_permissions", lambda: Permission("odd.export", "Export", roles=("managers",)),
         "permission 'odd.export' names unknown role 'managers'"),
    ],
)
def test_a_plugin_declaring_a_malformed_setting_or_permission_fails_to_load_saying_why(hook, make, reason):
    host = build_host([("odd", _plugin_declaring(hook, make))])
    assert host.records["odd"].failed
    assert reason in host.records["odd"].error
