"""Inbound webhooks: a sender signs each message with the hook's secret (Standard Webhooks);
a message whose signature or timestamp is wrong is refused, and one already received (the
same ``webhook-id``) is refused as a replay. An accepted message is an event, so workflows
trigger on it."""

from __future__ import annotations

import json
from typing import Any

from crm_automation import signing
from crm_automation.events import InboundWebhookReceived
from crm_platform.toolkit import (
    Conflict,
    NotFound,
    decrypt_secret,
    encrypt_secret,
    execute,
    fetch,
    invalid,
    now,
    unit_of_work,
)

MAX_BODY = 256 * 1024


async def create(name: str) -> dict[str, Any]:
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise invalid("name", "is required, at most 200 characters")
    secret = signing.new_secret()
    rows = await execute("INSERT INTO automation_inbound (name, secret, created_at) VALUES ({}, {}, {}) RETURNING id",
                         name.strip(), encrypt_secret(secret), now())
    return {"id": rows[0]["id"], "name": name.strip(), "secret": secret}


async def receive(actor_id: int, inbound_id: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    rows = await fetch("SELECT id, secret FROM automation_inbound WHERE id = {}", inbound_id)
    if not rows:
        raise NotFound("automation.inbound", inbound_id)
    if len(body) > MAX_BODY:
        raise invalid("body", f"must be at most {MAX_BODY // 1024} KiB")
    try:
        message_id = signing.verify(decrypt_secret(rows[0]["secret"]), headers, body)
    except signing.BadSignature as exc:
        raise invalid("webhook-signature", str(exc)) from None
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        raise invalid("body", "must be JSON") from None
    if not isinstance(payload, dict):
        raise invalid("body", "must be a JSON object")
    async with unit_of_work() as work:
        seen = await execute(
            "INSERT INTO automation_inbound_seen (inbound, message_id, received_at) VALUES ({}, {}, {}) "
            "ON CONFLICT (inbound, message_id) DO NOTHING RETURNING id", inbound_id, message_id[:200], now(),
        )
        if not seen:
            raise Conflict(f"message {message_id!r} was received before; a replay is refused")
        work.emit(InboundWebhookReceived(actor_id=actor_id, inbound_id=inbound_id, message_id=message_id,
                                         payload=payload))
    return {"accepted": message_id}
