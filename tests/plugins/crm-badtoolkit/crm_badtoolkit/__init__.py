"""A plugin that declares ``crm-platform>=0.1,<0.2``: it must be reported failed and never loaded."""

from crm_hookspecs import NavItem, hookimpl


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="badtoolkit", label="Bad toolkit", href="/badtoolkit/")]
