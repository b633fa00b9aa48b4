"""Which plugins a process loads: every installed one, or exactly the ones it names."""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from crm_platform import core_plugin
from crm_platform._plugins.discovery import Candidate, discover
from crm_platform._plugins.manager import PluginHost

# A slug of an installed plugin, or ``(slug, module)`` for one that is not installed (tests).
PluginSpec = str | tuple[str, ModuleType]


def build_host(plugins: Iterable[PluginSpec] | None = None) -> PluginHost:
    """Load plugins: every installed one, or exactly ``plugins`` (slugs of installed plugins,
    or ``(slug, module)`` pairs for plugins that are not installed, as in tests)."""
    installed = discover()
    if plugins is None:
        return PluginHost(installed, core_plugin)
    by_slug = {candidate.slug: candidate for candidate in installed}
    chosen: list[Candidate] = []
    for spec in plugins:
        if isinstance(spec, tuple):
            chosen.append(Candidate(spec[0], None, None, spec[1]))
        elif spec in by_slug:
            chosen.append(by_slug[spec])
        else:
            raise ValueError(f"plugin {spec!r} is not installed (installed: {', '.join(sorted(by_slug)) or 'none'})")
    return PluginHost(chosen, core_plugin)


def database_app_modules(host: PluginHost) -> list[str]:
    """The Piccolo app modules of every loaded plugin, enabled or not (their tables exist either way)."""
    return [app.module for app in host.items("crm_database_apps", include_disabled=True)]
