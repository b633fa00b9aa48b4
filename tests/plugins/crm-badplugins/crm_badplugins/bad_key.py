"""A plugin whose activity type key has a space and capitals."""

from crm_hookspecs import ActivityType, NavItem, hookimpl


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [ActivityType(key="Site Visit", label="Site visit")]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="badkey", label="Bad key", href="/badkey/")]
