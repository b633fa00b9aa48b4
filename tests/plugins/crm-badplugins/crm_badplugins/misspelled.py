"""A plugin with a typo in a hook name (``crm_nav_item`` for ``crm_nav_items``)."""

from crm_hookspecs import NavItem, hookimpl


@hookimpl
def crm_nav_item() -> list[NavItem]:
    return [NavItem(key="misspelled", label="Misspelled", href="/misspelled/")]
