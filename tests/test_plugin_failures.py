"""One broken plugin never stops the app: each is reported failed, with the reason, and skipped.

The broken plugins are real distributions in tests/plugins/ (crm-badrange, crm-badplugins),
found through their entry points like any other plugin.
"""

from __future__ import annotations

import pytest

from crm_platform import runtime
from crm_platform.errors import Invalid
from crm_platform.instance.plugins import set_enabled

BROKEN = {
    "badimport": "failed to import crm_badplugins.broken_import: RuntimeError: the probe of a broken import",
    "badrange": "needs crm-hookspecs<1, but 1.0.0 is installed",
    "misspelled": "unknown hook 'crm_nav_item'",
    "orphan": "depends on plugin 'nonexistent', which is not installed",
    "twin": "plugin 'twin' registers activity type 'probe_visit', which plugin 'probe' already registers",
    "wrongreturn": "crm_activity_types returned a dict item, expected ActivityType",
    "badfieldkey": (
        "crm_field_definitions raised ValueError: custom field 'vet.preferred_vet' of 'contact': "
        "the key must match ^[a-z][a-z0-9_]{0,59}$"
    ),
    "nochoice": "custom field 'nochoice_tier' of 'company': a choice field needs choices",
}


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe", *BROKEN]


async def _plugins(client) -> dict[str, dict]:
    response = await client.get("/api/v1/plugins")
    assert response.status_code == 200
    return {row["slug"]: row for row in response.json()}


@pytest.mark.parametrize("slug", sorted(BROKEN))
async def test_broken_plugin_is_listed_failed_with_its_reason(crm_client, slug):
    plugin = (await _plugins(crm_client))[slug]
    assert plugin["state"] == "failed"
    assert BROKEN[slug] in plugin["error"]


async def test_app_starts_and_serves_beside_broken_plugins(crm_client):
    assert (await crm_client.get("/health")).json()["status"] == "ok"
    assert (await crm_client.get("/api/v1/contacts")).status_code == 200
    assert (await _plugins(crm_client))["probe"]["state"] == "enabled"
    assert (await crm_client.get("/api/v1/probe/events")).status_code == 200


async def test_broken_plugins_register_nothing(crm_client):
    owners = {owned.slug for owned in runtime.current().host.owned("crm_nav_items", include_disabled=True)}
    assert owners & set(BROKEN) == set()
    assert "probe" in owners


async def test_conflict_keeps_the_first_claim_by_plugin_order(crm_client):
    [visit] = [
        item for item in runtime.current().host.items("crm_activity_types") if item.key == "probe_visit"
    ]
    assert visit.label == "Probe visit"


async def test_failed_plugin_cannot_be_enabled(crm_client):
    with pytest.raises(Invalid) as refused:
        await set_enabled(runtime.current().host, "twin", True)
    assert "failed to load" in refused.value.errors["slug"]


async def test_unknown_plugin_cannot_be_enabled_and_the_error_lists_the_installed(crm_client):
    with pytest.raises(Invalid) as refused:
        await set_enabled(runtime.current().host, "nosuch", True)
    assert "no plugin named 'nosuch'" in refused.value.errors["slug"]
    assert "probe" in refused.value.errors["slug"]
