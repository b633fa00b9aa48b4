"""A plugin that names its permission after another plugin (``sales.``, not ``foreignname.``)."""

from crm_hookspecs import NavItem, Permission, hookimpl


@hookimpl
def crm_permissions() -> list[Permission]:
    return [Permission("sales.export", "Export deals")]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="foreignname", label="Foreign name", href="/foreignname/")]
