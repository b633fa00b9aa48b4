"""A plugin that claims the activity type ``probe_visit``, which the ``probe`` plugin registers."""

from crm_hookspecs import ActivityType, NavItem, hookimpl


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [ActivityType(key="probe_visit", label="Twin visit")]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="twin", label="Twin", href="/twin/")]
