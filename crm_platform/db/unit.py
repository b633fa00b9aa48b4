"""A unit of work: one transaction, and the events it caused, delivered after commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from crm_hookspecs import Event
from crm_platform import runtime


@dataclass
class UnitOfWork:
    events: list[Event] = field(default_factory=list)

    def emit(self, event: Event) -> None:
        """Queue ``event``; listeners see it only if the transaction commits."""
        self.events.append(event)


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[UnitOfWork]:
    work = UnitOfWork()
    rt = runtime.current()
    async with rt.engine.transaction():
        yield work
    for event in work.events:
        await rt.host.call("crm_event", event=event)
