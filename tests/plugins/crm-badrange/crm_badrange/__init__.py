"""A plugin that declares ``crm-hookspecs<1``: it must be reported failed and never loaded."""

from crm_hookspecs import NavItem, hookimpl


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="badrange", label="Bad range", href="/badrange/")]
