"""A plugin whose job has a schedule huey cannot read (minute 61); the core's jobs must run on."""

from crm_hookspecs import Job, NavItem, hookimpl


def nightly() -> None:
    """Never runs: the plugin fails to load."""


@hookimpl
def crm_jobs() -> list[Job]:
    return [Job("badschedule.nightly", nightly, schedule="61 * * * *")]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="badschedule", label="Bad schedule", href="/badschedule/")]
