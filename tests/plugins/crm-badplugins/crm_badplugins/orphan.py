"""A plugin that depends on a plugin nobody installed."""

from crm_hookspecs import NavItem, PluginInfo, hookimpl


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Orphan", depends_on=("nonexistent",))


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="orphan", label="Orphan", href="/orphan/")]
