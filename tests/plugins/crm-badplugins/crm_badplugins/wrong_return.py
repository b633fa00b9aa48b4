"""A plugin whose registration hook returns a dict where an ActivityType is expected."""

from crm_hookspecs import hookimpl


@hookimpl
def crm_activity_types() -> list[dict]:
    return [{"key": "wrong", "label": "Wrong"}]
