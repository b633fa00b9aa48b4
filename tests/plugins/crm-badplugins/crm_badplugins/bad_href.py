"""A plugin whose nav item links to another site (``//`` starts a host, not a path)."""

from crm_hookspecs import NavItem, hookimpl


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="badhref", label="Elsewhere", href="//example.com/crm")]
