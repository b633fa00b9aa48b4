"""Toolkit for event listeners: one dict shared while one transaction's events are delivered,
so what every event needs is read once per transaction, not once per event."""

from __future__ import annotations

import types
from dataclasses import dataclass

import pytest
from crm_hookspecs import Event, hookimpl

from crm_platform import toolkit

SEEN: list[tuple[int, int | None, int]] = []


@dataclass(frozen=True)
class Pinged(Event):
    n: int = 0


def _listener() -> types.ModuleType:
    module = types.ModuleType("pinglistener")

    @hookimpl
    def crm_event(event):
        if not isinstance(event, Pinged):
            return
        cache = toolkit.delivery_cache()
        reads = cache.setdefault("test.reads", []) if cache is not None else []
        if not reads:
            reads.append(event.n)  # the one read of this transaction
        SEEN.append((event.n, id(cache) if cache is not None else None, len(reads)))

    module.crm_event = crm_event
    return module


@pytest.fixture
def crm_plugins():
    SEEN.clear()
    return [("pinglistener", _listener())]


async def test_the_listeners_share_one_dict_per_delivered_transaction(crm_app):
    assert toolkit.delivery_cache() is None
    async with toolkit.unit_of_work() as work:
        for n in range(3):
            work.emit(Pinged(actor_id=None, n=n))
    async with toolkit.unit_of_work() as work:
        work.emit(Pinged(actor_id=None, n=9))
    assert toolkit.delivery_cache() is None
    assert [n for n, _, _ in SEEN] == [0, 1, 2, 9]
    assert all(cache is not None and reads == 1 for _, cache, reads in SEEN)
    assert len({cache for n, cache, _ in SEEN if n < 3}) == 1  # one dict for the first transaction's events
