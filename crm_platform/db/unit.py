"""A unit of work: one transaction, and the events it caused, delivered after commit through
the outbox (written in the transaction, so a crash before delivery loses nothing)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Event

from crm_platform import runtime
from crm_platform.audit import chain as audit_chain
from crm_platform.outbox import service as outbox

log = logging.getLogger("crm.db")


@dataclass
class UnitOfWork:
    events: list[Event] = field(default_factory=list)
    committed: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Audit entries (crm_platform.audit.chain.COLUMNS order), chained and written as it commits.
    audit: list[tuple[Any, ...]] = field(default_factory=list)

    def emit(self, event: Event) -> None:
        """Queue ``event``; listeners see it only if the outermost transaction commits."""
        self.events.append(event)

    def after_commit(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Await ``callback()`` once the outermost transaction has committed (never on a
        rollback), before the events are delivered: handing a job recorded in the transaction
        to the worker."""
        self.committed.append(callback)


_current: ContextVar[UnitOfWork | None] = ContextVar("crm_unit_of_work", default=None)
_delivery: ContextVar[dict[str, Any] | None] = ContextVar("crm_event_delivery", default=None)


def delivery_cache() -> dict[str, Any] | None:
    """A dict the event listeners share while the events of one committed transaction are
    delivered, and ``None`` outside a delivery: a listener reads what every event needs (its
    configuration) once per transaction instead of once per event. It is dropped when the
    delivery ends, so nothing read here outlives the transaction's events."""
    return _delivery.get()


def after_delivery(key: str, callback: Callable[[], Awaitable[None]]) -> bool:
    """Await ``callback()`` once, after every event of the committed transaction being
    delivered has reached every listener; a second callback under the same ``key`` is
    ignored. A listener gathers what the events name and handles it at once (the reports'
    counts of a batch of activities in a few statements instead of a few per event).
    ``False`` outside a delivery (an event recovered from the outbox): handle it now."""
    cache = _delivery.get()
    if cache is None:
        return False
    cache.setdefault(_FLUSHES, {}).setdefault(key, callback)
    return True


_FLUSHES = "crm.after_delivery"


def current_unit() -> UnitOfWork | None:
    """The unit of work this code runs in, if any."""
    return _current.get()


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[UnitOfWork]:
    """Open a transaction; inside another unit of work, join it instead, so that events
    wait for the outermost commit and vanish with its rollback."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    work = UnitOfWork()
    token = _current.set(work)
    rt = runtime.current()
    outboxed: list[str] = []
    try:
        async with rt.engine.transaction():
            yield work
            if work.audit:
                await audit_chain.append(rt.engine, work.audit)
            if work.events:
                outboxed = await outbox.record(work.events)
    finally:
        _current.reset(token)
    for callback in work.committed:
        try:
            await callback()
        except Exception:  # what was committed stays so; a job not handed over is requeued by the worker
            log.exception("after-commit step %r failed", callback)
    if work.events:
        delivery = _delivery.set({})
        try:
            for event in work.events:
                await rt.host.call("crm_event", event=event)
            flushes = (delivery_cache() or {}).get(_FLUSHES, {})
            while flushes:
                key, flush = flushes.popitem()
                try:
                    await flush()
                except Exception:  # isolated as a failing listener is
                    log.exception("the step after delivering the events, %s, failed", key)
        finally:
            _delivery.reset(delivery)
    if outboxed:
        try:
            await outbox.delivered(outboxed)
        except Exception:  # delivered already; the worker would deliver them once more
            log.exception("delivered events could not be taken out of the outbox")
