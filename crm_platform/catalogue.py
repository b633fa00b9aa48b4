"""What the core and the enabled plugins offer, for plugins that build on one another: the
record kinds, the event classes and the workflow actions."""

from __future__ import annotations

from crm_hookspecs import Event, RecordKind, WorkflowAction

from crm_platform import runtime
from crm_platform.records import kinds as record_kinds_registry


def record_kinds() -> list[RecordKind]:
    """The record kinds of the core and of the enabled plugins, by key."""
    return sorted(record_kinds_registry.active().values(), key=lambda kind: kind.key)


def event_classes() -> list[type[Event]]:
    """Every event class of the contract and of the enabled plugins, by name.

    An event class belongs to the plugin whose package defines it (``crm_sales.events.DealWon``
    to the plugin whose hooks live in ``crm_sales``); a disabled plugin's classes are left out.
    """
    host = runtime.current().host
    packages = {"crm_hookspecs", "crm_platform"}
    for slug, record in host.records.items():
        if record.module is not None and host.is_active(slug):
            packages.add(record.module.__name__.split(".", 1)[0])
    found: dict[type[Event], None] = {}
    pending = list(Event.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".", 1)[0] in packages:
            found[cls] = None
    return sorted(found, key=lambda cls: (cls.__name__, cls.__module__))


def workflow_actions() -> list[WorkflowAction]:
    """The workflow actions the enabled plugins register with ``crm_workflow_actions``."""
    return list(runtime.current().host.items("crm_workflow_actions"))
