"""How the plugin host orders and validates plugins, shown with plugins built in the test.

No database is needed: the host is built from ``(slug, module)`` pairs as ``crm_plugins``
accepts them.
"""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import ActivityType, NavItem, PluginInfo, SearchResult, hookimpl

from crm_platform.app import build_host


def plugin(
    name: str, *, depends_on: tuple[str, ...] = (), priority: int = 100, **hooks
) -> tuple[str, types.ModuleType]:
    module = types.ModuleType(f"plugin_{name}")

    @hookimpl
    def crm_plugin_info() -> PluginInfo:
        return PluginInfo(label=name, depends_on=depends_on, priority=priority)

    module.crm_plugin_info = crm_plugin_info
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return name, module


@pytest.mark.exercises("crm_plugin_info")
def test_order_is_dependencies_then_priority_then_slug():
    host = build_host(
        [
            plugin("zeta", priority=10),
            plugin("alpha", priority=50),
            plugin("beta", priority=50),
            plugin("early", priority=1, depends_on=("late",)),
            plugin("late", priority=90),
        ]
    )
    assert host.order == ["core", "zeta", "alpha", "beta", "late", "early"]


def test_order_does_not_depend_on_the_order_plugins_are_given():
    given = [plugin("b"), plugin("a"), plugin("c", priority=5)]
    assert build_host(given).order == build_host(list(reversed(given))).order == ["core", "c", "a", "b"]


async def test_runtime_hooks_are_called_in_plugin_order():
    called: list[str] = []

    def searcher(slug: str, *, is_async: bool = False):
        def search(query: str, principal, limit: int) -> list[SearchResult]:
            called.append(slug)
            return [SearchResult(slug, 1, f"{slug} {query}")]

        async def search_async(query: str, principal, limit: int) -> list[SearchResult]:
            return search(query, principal, limit)

        return search_async if is_async else search

    # Given out of order, one of them async: the host awaits it in its place.
    host = build_host([
        plugin("b", crm_search=searcher("b", is_async=True)),
        plugin("a", priority=200, crm_search=searcher("a")),
        plugin("c", priority=5, crm_search=searcher("c")),
    ])
    host.enabled = {"a", "b", "c"}
    results = await host.call("crm_search", query="ada", principal=None, limit=5)
    assert called == ["c", "b", "a"]
    assert [result.title for result in results] == ["c ada", "b ada", "a ada"]


def test_circular_dependencies_fail_both_plugins_naming_them():
    host = build_host([plugin("hen", depends_on=("egg",)), plugin("egg", depends_on=("hen",)), plugin("ok")])
    assert host.records["hen"].error == host.records["egg"].error == "circular dependency among egg, hen"
    assert host.loaded == ["ok"]


def test_plugin_whose_dependency_fails_to_register_fails_too():
    host = build_host(
        [
            plugin("holder", crm_activity_types=lambda: [ActivityType("shared", "Shared")]),
            plugin("newcomer", crm_activity_types=lambda: [ActivityType("shared", "Also shared")]),
            plugin(
                "follower", depends_on=("newcomer",), crm_nav_items=lambda: [NavItem("follower", "F", "/f/")]
            ),
        ]
    )
    assert host.records["follower"].error == "depends on plugin 'newcomer', which failed to load"
    assert host.loaded == ["holder"]
    assert "follower" not in [item.key for item in host.items("crm_nav_items", include_disabled=True)]


def test_plugin_claiming_a_core_activity_type_fails_naming_the_core():
    host = build_host([plugin("caller", crm_activity_types=lambda: [ActivityType("call", "My call")])])
    assert "which plugin 'core' already registers" in host.records["caller"].error


def test_registration_hook_that_raises_fails_the_plugin_naming_the_hook():
    def explode() -> list[NavItem]:
        raise KeyError("settings")

    host = build_host([plugin("boom", crm_nav_items=explode)])
    assert host.records["boom"].error == "crm_nav_items raised KeyError: 'settings'"


def test_registration_hook_returning_one_item_instead_of_a_list_fails_the_plugin():
    host = build_host([plugin("single", crm_nav_items=lambda: NavItem("single", "Single", "/single/"))])
    assert host.records["single"].error == "crm_nav_items returned NavItem, expected a list of NavItem"


def test_async_registration_hook_fails_the_plugin():
    async def nav() -> list[NavItem]:
        return []

    host = build_host([plugin("hasty", crm_nav_items=nav)])
    assert "crm_nav_items must be a plain function" in host.records["hasty"].error


def test_hook_with_an_argument_the_hookspec_lacks_fails_the_plugin():
    host = build_host([plugin("extra", crm_nav_items=lambda principal: [])])
    assert "principal" in host.records["extra"].error


def test_plugin_info_of_the_wrong_type_fails_the_plugin():
    module = types.ModuleType("plugin_vague")
    module.crm_plugin_info = hookimpl(lambda: {"label": "Vague"})
    host = build_host([("vague", module)])
    assert host.records["vague"].error == "TypeError: crm_plugin_info returned dict, expected PluginInfo"


def test_unmarked_function_named_like_a_hook_is_reported_as_misspelled():
    module = types.ModuleType("plugin_typo")
    module.crm_activity_type = lambda: []
    assert build_host([("typo", module)]).records["typo"].error.startswith("unknown hook 'crm_activity_type'")


def test_every_host_has_its_own_serial_for_caches_even_after_another_is_gone():
    # Template environments are cached per host; keyed by id(), a host built after another
    # was collected could be given the dead one's environment, and so its template folders.
    serials = set()
    for _ in range(5):
        host = build_host([plugin("alpha")])
        serials.add(host.serial)
        del host
    assert len(serials) == 5
