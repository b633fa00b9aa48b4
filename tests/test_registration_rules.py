"""What a plugin registers is checked when it loads: a key off its pattern, a link to another
site, a job schedule huey cannot read, a name without the plugin's slug, or a key listed twice
fails that plugin alone, with a reason naming the item, and the others load as before.

No database is needed: the host is built from ``(slug, module)`` pairs (see test_plugin_host.py).
"""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import ActivityType, Job, NavItem, Permission, RelationshipType, Setting, hookimpl

from crm_platform.app import build_host


def plugin(name: str, **hooks) -> tuple[str, types.ModuleType]:
    module = types.ModuleType(f"plugin_{name}")
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return name, module


def nothing() -> None:
    """A job that does nothing."""


def _fails(**hooks) -> str:
    """The reason the plugin ``bad``, built with ``hooks``, failed; ``good`` must load beside it."""
    good = plugin("good", crm_nav_items=lambda: [NavItem("good", "Good", "/good/")])
    host = build_host([plugin("bad", **hooks), good])
    assert host.loaded == ["good"]
    assert [item.key for item in host.items("crm_nav_items", include_disabled=True)][-1] == "good"
    assert "core.task_reminders" in [job.name for job in host.items("crm_jobs", include_disabled=True)]
    return host.records["bad"].error


# --- keys match their pattern ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda key: NavItem(key, "Label", "/x/"), "NavItem.key"),
        (lambda key: ActivityType(key, "Label"), "ActivityType.key"),
        (lambda key: RelationshipType(key, "label", "inverse"), "RelationshipType.key"),
        (lambda key: Setting(key, "Label"), "Setting.key"),
    ],
    ids=["nav item", "activity type", "relationship type", "setting"],
)
@pytest.mark.parametrize("key", ["Site Visit", "site-visit", "9lives", "", "visit\n", "x" * 61])
def test_a_key_off_the_pattern_is_refused_naming_the_field_the_value_and_the_pattern(build, field, key):
    with pytest.raises(ValueError) as refused:
        build(key)
    assert str(refused.value).startswith(f"{field} {key!r} does not match [a-z][a-z0-9_]{{0,59}}")


@pytest.mark.parametrize("key", ["sales", "site_visit", "probe_mentor_of", "stale_after_days", "x" * 60])
def test_lower_case_keys_with_digits_and_underscores_are_accepted(key):
    assert NavItem(key, "Label", "/x/").key == ActivityType(key, "Label").key == Setting(key, "Label").key == key


@pytest.mark.parametrize("name", ["export", "Sales.export", "sales.Export", "sales.", ".export", "sales.export.csv"])
def test_a_permission_key_is_slug_dot_name(name):
    with pytest.raises(ValueError) as refused:
        Permission(name, "Label")
    assert f"Permission.key {name!r} does not match" in str(refused.value)


def test_a_plugin_with_a_bad_key_fails_naming_the_item():
    reason = _fails(crm_activity_types=lambda: [ActivityType("Site Visit", "Site visit")])
    assert reason.startswith("crm_activity_types raised ValueError: ActivityType.key 'Site Visit' does not match")


# --- nav links stay inside the app --------------------------------------------------------------


@pytest.mark.parametrize(
    "href", ["//evil.example/", "https://evil.example/", "javascript:alert(1)", "sales/", "", "/\\evil.example"]
)
def test_a_nav_item_linking_outside_the_app_is_refused(href):
    with pytest.raises(ValueError) as refused:
        NavItem("sales", "Deals", href)
    assert str(refused.value).startswith(f"NavItem.href {href!r} must be a path inside the app")


@pytest.mark.parametrize("href", ["/", "/sales/", "/sales/deals?stage=won#top"])
def test_a_nav_item_linking_to_a_path_is_accepted(href):
    assert NavItem("sales", "Deals", href).href == href


def test_a_plugin_with_a_bad_nav_link_fails_naming_the_item():
    reason = _fails(crm_nav_items=lambda: [NavItem("bad", "Bad", "https://evil.example/")])
    assert reason.startswith("crm_nav_items raised ValueError: NavItem.href 'https://evil.example/'")


# --- jobs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "why"),
    [
        ("61 * * * *", "minute '61' is invalid"),
        ("abc * * * *", "minute 'abc' is invalid"),
        ("1,abc * * * *", "minute '1,abc' is invalid"),
        ("* 24 * * *", "hour '24' is invalid"),
        ("* * 0 * *", "day '0' is invalid"),
        ("* * * 13 *", "month '13' is invalid"),
        ("* * * * 8", "day_of_week '8' is invalid"),
        ("*/0 * * * *", "minute '*/0' is invalid"),
    ],
)
def test_a_job_schedule_huey_cannot_read_fails_its_plugin_naming_the_field(schedule, why):
    reason = _fails(crm_jobs=lambda: [Job("bad.nightly", nothing, schedule=schedule)])
    assert reason.startswith(f"crm_jobs: job 'bad.nightly': schedule {schedule!r}: {why}")


@pytest.mark.parametrize("schedule", ["* * * *", "0 0 * * * *", "", 5])
def test_a_job_schedule_without_five_fields_is_refused(schedule):
    with pytest.raises(ValueError) as refused:
        Job("sales.recalc", nothing, schedule=schedule)
    assert f"schedule {schedule!r} is not a five-field cron expression" in str(refused.value)


@pytest.mark.parametrize("schedule", ["* * * * *", "*/5 * * * *", "0 9 * * 1-5", "30 2 1,15 * *", "0 0 * * 7"])
def test_a_readable_job_schedule_loads(schedule):
    host = build_host([plugin("fine", crm_jobs=lambda: [Job("fine.nightly", nothing, schedule=schedule)])])
    assert host.records["fine"].error is None
    assert "fine.nightly" in [job.name for job in host.items("crm_jobs", include_disabled=True)]


def test_a_job_whose_func_is_not_callable_is_refused():
    with pytest.raises(ValueError) as refused:
        Job("sales.recalc", "crm_sales.forecast.recalc")
    assert "Job 'sales.recalc': func 'crm_sales.forecast.recalc' is not callable" in str(refused.value)


def test_a_job_name_is_slug_dot_name():
    with pytest.raises(ValueError) as refused:
        Job("Recalc", nothing)
    assert "Job.name 'Recalc' does not match" in str(refused.value)


def test_a_job_named_after_another_plugin_fails_its_plugin():
    reason = _fails(crm_jobs=lambda: [Job("sales.recalc", nothing)])
    assert reason == "crm_jobs: job 'sales.recalc' must start with the plugin's slug: bad.recalc"


def test_a_permission_named_after_another_plugin_fails_its_plugin():
    reason = _fails(crm_permissions=lambda: [Permission("core.export", "Export")])
    assert reason == "crm_permissions: permission 'core.export' must start with the plugin's slug: bad.export"


# --- a key listed twice by one plugin ----------------------------------------------------------


@pytest.mark.parametrize(
    ("hook", "items", "named"),
    [
        ("crm_nav_items", lambda: [NavItem("deals", "A", "/a/"), NavItem("deals", "B", "/b/")], "NavItem 'deals'"),
        (
            "crm_activity_types",
            lambda: [ActivityType("visit", "A"), ActivityType("visit", "B")],
            "ActivityType 'visit'",
        ),
        (
            "crm_relationship_types",
            lambda: [RelationshipType("mentor_of", "a", "b"), RelationshipType("mentor_of", "c", "d")],
            "RelationshipType 'mentor_of'",
        ),
        (
            "crm_permissions",
            lambda: [Permission("bad.export", "A"), Permission("bad.export", "B")],
            "Permission 'bad.export'",
        ),
        ("crm_settings", lambda: [Setting("greeting", "A"), Setting("greeting", "B")], "Setting 'greeting'"),
        ("crm_jobs", lambda: [Job("bad.recalc", nothing), Job("bad.recalc", nothing)], "Job 'bad.recalc'"),
    ],
    ids=["nav items", "activity types", "relationship types", "permissions", "settings", "jobs"],
)
def test_a_key_listed_twice_by_one_plugin_fails_it_naming_the_key(hook, items, named):
    assert _fails(**{hook: items}) == f"{hook} lists {named} twice; give each its own key"


def test_settings_of_two_plugins_may_share_a_key():
    one = plugin("one", crm_settings=lambda: [Setting("greeting", "A")])
    two = plugin("two", crm_settings=lambda: [Setting("greeting", "B")])
    host = build_host([one, two])
    assert host.loaded == ["one", "two"]
