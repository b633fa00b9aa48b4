"""A plugin that declares the setting ``greeting`` twice."""

from crm_hookspecs import NavItem, Setting, hookimpl


@hookimpl
def crm_settings() -> list[Setting]:
    return [Setting("greeting", "Greeting"), Setting("greeting", "Greeting again")]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="dupkey", label="Duplicate key", href="/dupkey/")]
