"""Events through the outbox: written in the transaction that raised them, delivered after its
commit, and delivered by the worker if the process died in between.

The unit of work writes its events here just before it commits and deletes them once every
listener has had them. A process killed between the two (kill -9, a power cut) leaves them;
once the writer's claim runs out (:data:`LEASE_SECONDS`), ``delivery.deliver_pending`` (the
worker's start and its ``core.outbox_deliver`` job) delivers them, recording each listener's delivery
in the same transaction as what the listener wrote, so a recovered event reaches each
listener once however often recovery itself is interrupted or runs in two places.

An event whose fields do not encode as JSON is delivered in process only, as before.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import uuid
from typing import Any

import msgspec
from crm_hookspecs import Event

from crm_platform.db.bulk import insert_rows, stored
from crm_platform.db.raw import execute, placeholders

log = logging.getLogger("crm.events")

LEASE_SECONDS = 60
CLAIM_BATCH = 100
DELETE_BATCH = 500


def _name(event: Event) -> str:
    cls = type(event)
    return f"{cls.__module__}:{cls.__qualname__}"


def decode(name: str, payload: str) -> Event | None:
    module_name, _, qualname = name.partition(":")
    try:
        cls: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        return msgspec.json.decode(payload, type=cls)
    except (ImportError, AttributeError, msgspec.DecodeError, msgspec.ValidationError, TypeError) as exc:
        # The plugin that defined it is gone, or its fields changed since: nothing to hand it to.
        log.error("outbox event %s cannot be read back (%s); it is dropped", name, exc)
        return None


async def record(events: list[Event]) -> list[str]:
    """Write ``events`` inside the current transaction; the ids of those written."""
    now = dt.datetime.now(dt.UTC)
    rows, ids = [], []
    for event in events:
        try:
            payload = msgspec.json.encode(event).decode()
        except (TypeError, msgspec.EncodeError):
            log.warning("event %s has fields that do not encode as JSON: delivered in process only", _name(event))
            continue
        event_id = uuid.uuid4().hex
        rows.append((event_id, _name(event), payload))
        ids.append(event_id)
    await insert_rows("crm_outbox", ("event_id", "name", "payload"), rows, {
        "created_at": stored(now), "claimed_until": stored(now + dt.timedelta(seconds=LEASE_SECONDS)),
    })
    return ids


async def delivered(event_ids: list[str]) -> None:
    """Forget events every listener has had."""
    for start in range(0, len(event_ids), DELETE_BATCH):
        chunk = event_ids[start : start + DELETE_BATCH]
        await execute(f"DELETE FROM crm_outbox WHERE event_id IN ({placeholders(chunk)})", *chunk)
