"""A listener that keeps every event it receives, for tests that check what was announced."""

from crm_hookspecs import Event, hookimpl

RECEIVED: list[Event] = []


@hookimpl
def crm_event(event: Event) -> None:
    RECEIVED.append(event)
