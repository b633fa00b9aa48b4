"""Core tests use the fixtures of ``crm_platform.testing`` (loaded as a pytest plugin).

A test marked ``@pytest.mark.exercises("crm_search", ...)`` fails unless it calls each named
hook on a plugin: registration hooks while a host is built, runtime hooks through
``PluginHost.call`` (tests/test_hookspecs_documented.py requires such a test for every hook).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _hooks_it_exercises(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    marker = request.node.get_closest_marker("exercises")
    if marker is None:
        yield
        return
    from crm_platform._plugins import manager

    called: set[str] = set()
    collect, call_owned, validate = manager.registered_items, manager.PluginHost.call_owned, manager.PluginHost._validate

    def recording_collect(hook, function, slug):
        if slug != manager.CORE:
            called.add(hook)
        return collect(hook, function, slug)

    async def recording_call_owned(self, hook, **kwargs):
        only = kwargs.get("only")
        if any(impl.plugin_name != manager.CORE and self.is_active(impl.plugin_name) and only in (None, impl.plugin_name)
               for impl in getattr(self.pm.hook, hook).get_hookimpls()):
            called.add(hook)
        return await call_owned(self, hook, **kwargs)

    def recording_validate(candidate):
        if getattr(candidate.module, "crm_plugin_info", None) is not None:
            called.add("crm_plugin_info")
        return validate(candidate)

    monkeypatch.setattr(manager, "registered_items", recording_collect)
    monkeypatch.setattr(manager.PluginHost, "call_owned", recording_call_owned)
    monkeypatch.setattr(manager.PluginHost, "_validate", staticmethod(recording_validate))
    yield
    missing = sorted(set(marker.args) - called)
    if missing:
        pytest.fail(f"marked as exercising {', '.join(missing)}, but no plugin's implementation was called")
