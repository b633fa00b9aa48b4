"""A plugin whose event listener always raises; other listeners must still be called."""

from crm_hookspecs import Event, hookimpl


@hookimpl
def crm_event(event: Event) -> None:
    raise RuntimeError(f"failing listener cannot handle {event.name}")
