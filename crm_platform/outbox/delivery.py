"""Recovery: the worker delivers the events a process left in the outbox when it stopped
between its commit and their delivery (see :mod:`crm_platform.outbox.service`).

Apart from the service because it delivers each event in a unit of work of its own, and the
unit of work writes through the service.
"""

from __future__ import annotations

import datetime as dt
import logging

from crm_hookspecs import Event

from crm_platform import runtime
from crm_platform.db.bulk import stored
from crm_platform.db.raw import execute
from crm_platform.db.unit import unit_of_work
from crm_platform.outbox.service import CLAIM_BATCH, LEASE_SECONDS, decode

log = logging.getLogger("crm.events")


def _listeners() -> list[str]:
    host = runtime.current().host
    return [impl.plugin_name for impl in reversed(host.pm.hook.crm_event.get_hookimpls())
            if host.is_active(impl.plugin_name)]


async def _claim(now: dt.datetime) -> list[dict]:
    until = stored(now + dt.timedelta(seconds=LEASE_SECONDS))
    expired = stored(now)
    # The condition is checked again on the row itself: of two processes claiming at once, the
    # second finds the claim renewed and skips the row.
    return await execute(
        "UPDATE crm_outbox SET claimed_until = {} WHERE claimed_until < {} AND id IN "
        f"(SELECT id FROM crm_outbox WHERE claimed_until < {{}} ORDER BY id LIMIT {CLAIM_BATCH}) "
        "RETURNING event_id, name, payload", until, expired, expired)


async def _deliver_once(event_id: str, plugin: str, event: Event, now: dt.datetime) -> None:
    key = f"{event_id}:{plugin}"
    insert = ("INSERT INTO crm_outbox_delivery (key, delivered_at) VALUES ({}, {}) "
              "ON CONFLICT (key) DO NOTHING RETURNING key")
    try:
        async with unit_of_work():
            if await execute(insert, key, stored(now)):
                await runtime.current().host.call_owned("crm_event", only=plugin, event=event)
    except Exception:
        # What the listener wrote is rolled back; it is not offered the event again, as a
        # failing listener is never offered one again in process either.
        log.exception("listener %s failed on recovered event %s", plugin, event_id)
        await execute(insert, key, stored(now))


async def deliver_pending(now: dt.datetime | None = None) -> int:
    """Deliver the events whose writer died before delivering them; how many were delivered."""
    now = now or dt.datetime.now(dt.UTC)
    count = 0
    while claimed := await _claim(now):
        listeners = _listeners()
        for row in claimed:
            event = decode(row["name"], row["payload"])
            if event is not None:
                for plugin in listeners:
                    await _deliver_once(row["event_id"], plugin, event, now)
                count += 1
            async with unit_of_work():
                await execute("DELETE FROM crm_outbox WHERE event_id = {}", row["event_id"])
                await execute("DELETE FROM crm_outbox_delivery WHERE key LIKE {}", f"{row['event_id']}:%")
    if count:
        log.warning("delivered %d event(s) left undelivered by a process that stopped", count)
    return count
