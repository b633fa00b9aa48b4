"""One broken plugin never stops the app: each is reported failed, with the reason, and skipped.

The broken plugins are real distributions in tests/plugins/ (crm-badrange, crm-badtoolkit, crm-badplugins),
found through their entry points like any other plugin.
"""

from __future__ import annotations

import datetime as dt

import crm_hookspecs
import pytest

import crm_platform
from crm_platform import runtime
from crm_platform.errors import Invalid
from crm_platform.instance.plugins import set_enabled
from crm_platform.jobs.runner import current_queue

BROKEN = {
    "badimport": "failed to import crm_badplugins.broken_import: RuntimeError: the probe of a broken import",
    "badrange": f"needs crm-hookspecs<1 (the hook contract), but {crm_hookspecs.__version__} is installed",
    "badtoolkit": f"needs crm-platform>=0.1,<0.2 (the toolkit), but {crm_platform.__version__} is installed",
    "misspelled": "unknown hook 'crm_nav_item'",
    "orphan": "depends on plugin 'nonexistent', which is not installed",
    "twin": "plugin 'twin' registers activity type 'probe_visit', which plugin 'probe' already registers",
    "wrongreturn": "crm_activity_types returned a dict item, expected ActivityType",
    "badschedule": "crm_jobs: job 'badschedule.nightly': schedule '61 * * * *': minute '61' is invalid",
    "badhref": "crm_nav_items raised ValueError: NavItem.href '//example.com/crm' must be a path inside the app",
    "badkey": "crm_activity_types raised ValueError: ActivityType.key 'Site Visit' does not match",
    "dupkey": "crm_settings lists Setting 'greeting' twice",
    "foreignname": "crm_permissions: permission 'sales.export' must start with the plugin's slug: foreignname.export",
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


async def test_the_cores_jobs_build_and_run_beside_a_plugin_with_a_bad_schedule(crm_client, crm_run_jobs):
    every_minute = {task.name for task in current_queue().huey.read_periodic(dt.datetime(2030, 1, 1, 0, 0))}
    assert "crm.schedule.core.task_reminders" in every_minute
    assert [name for name in every_minute if "badschedule" in name] == []
    outcomes = await crm_run_jobs()
    assert sorted((outcome.job_name, outcome.state) for outcome in outcomes) == [
        ("core.outbox_deliver", "done"), ("core.task_reminders", "done")]
