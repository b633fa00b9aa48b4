"""Outbound webhooks: endpoints with their signing secrets, deliveries queued in the run's
transaction, sent by a job with the SSRF guard, retried with backoff, each attempt logged."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any

import httpx

from crm_automation import guard, signing
from crm_platform.toolkit import (
    NotFound,
    decrypt_secret,
    encrypt_secret,
    execute,
    fetch,
    invalid,
    now,
    setting,
    unit_of_work,
)

log = logging.getLogger("crm.automation")

# Minutes to wait after each failed attempt; once they are used up the delivery has failed.
BACKOFF_MINUTES = (1, 5, 30, 120, 300)
TIMEOUT_SECONDS = 10.0
MAX_SECRETS = 2


def _decode(row: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        if isinstance(row.get(name), str):
            row[name] = json.loads(row[name])
    return row


def _sealed(secrets: list[str]) -> str:
    """The secrets as stored: each encrypted with the instance's key, never in clear."""
    return json.dumps([encrypt_secret(secret) for secret in secrets])


def _opened(row: dict[str, Any]) -> dict[str, Any]:
    _decode(row, "secrets")
    row["secrets"] = [decrypt_secret(secret) for secret in row["secrets"]]
    return row


def public(endpoint: dict[str, Any]) -> dict[str, Any]:
    """An endpoint as the API shows it: the secrets' last characters only."""
    hints = [f"{secret[:6]}…{secret[-4:]}" for secret in endpoint["secrets"]]
    return {"id": endpoint["id"], "name": endpoint["name"], "url": endpoint["url"], "secrets": hints}


async def create_endpoint(name: str, url: str) -> dict[str, Any]:
    if not name.strip() or len(name) > 200:
        raise invalid("name", "is required, at most 200 characters")
    try:
        guard.parse(url, await _ports())
    except guard.UnsafeTarget as exc:
        raise invalid("url", str(exc)) from None
    secret = signing.new_secret()
    rows = await execute(
        "INSERT INTO automation_endpoint (name, url, secrets, created_at) VALUES ({}, {}, {}, {}) RETURNING id",
        name.strip(), url, _sealed([secret]), now(),
    )
    return {**public({"id": rows[0]["id"], "name": name.strip(), "url": url, "secrets": [secret]}), "secret": secret}


async def get_endpoint(endpoint_id: int) -> dict[str, Any]:
    rows = await fetch("SELECT id, name, url, secrets FROM automation_endpoint WHERE id = {}", endpoint_id)
    if not rows:
        raise NotFound("automation.endpoint", endpoint_id)
    return _opened(rows[0])


async def list_endpoints() -> list[dict[str, Any]]:
    rows = await fetch("SELECT id, name, url, secrets FROM automation_endpoint ORDER BY id LIMIT 200")
    return [public(_opened(row)) for row in rows]


async def rotate(endpoint_id: int) -> dict[str, Any]:
    """A new secret signs from now on beside the newest old one, so receivers can switch over."""
    endpoint = await get_endpoint(endpoint_id)
    secret = signing.new_secret()
    kept = [secret, *endpoint["secrets"]][:MAX_SECRETS]
    await execute("UPDATE automation_endpoint SET secrets = {} WHERE id = {}", _sealed(kept), endpoint_id)
    return {**public({**endpoint, "secrets": kept}), "secret": secret}


async def retire_old_secrets(endpoint_id: int) -> dict[str, Any]:
    endpoint = await get_endpoint(endpoint_id)
    kept = endpoint["secrets"][:1]
    await execute("UPDATE automation_endpoint SET secrets = {} WHERE id = {}", _sealed(kept), endpoint_id)
    return public({**endpoint, "secrets": kept})


async def queue_delivery(endpoint_id: int, body: dict[str, Any], *, run_id: int | None = None) -> dict[str, Any]:
    """A delivery written in the caller's transaction; ``deliver`` sends it."""
    await get_endpoint(endpoint_id)
    message_id = f"msg_{uuid.uuid4().hex}"
    rows = await execute(
        "INSERT INTO automation_delivery (endpoint, run, message_id, body, state, attempts, log, created_at) "
        "VALUES ({}, {}, {}, {}, 'queued', 0, '[]', {}) RETURNING id",
        endpoint_id, run_id, message_id, json.dumps(body, default=str), now(),
    )
    return {"id": rows[0]["id"], "message_id": message_id}


async def deliveries(endpoint_id: int, limit: int = 50) -> list[dict[str, Any]]:
    rows = await fetch(
        "SELECT id, run, message_id, state, attempts, last_status, log, created_at, next_attempt_at "
        "FROM automation_delivery WHERE endpoint = {} ORDER BY id DESC LIMIT {}", endpoint_id, limit,
    )
    return [_decode(row, "log") for row in rows]


async def _ports() -> tuple[int, ...]:
    ports = tuple(int(part) for part in str(await setting("automation", "webhook_ports")).split(",")
                  if part.strip().isdecimal())
    return ports or guard.ALLOWED_PORTS


async def _attempt(url: str, headers: dict[str, str], body: bytes) -> tuple[int | None, str]:
    allow_private = bool(await setting("automation", "allow_private_webhook_targets"))
    try:
        addresses = await guard.check(url, allow_private=allow_private, allowed_ports=await _ports())
    except guard.UnsafeTarget as exc:
        return None, f"refused: {exc}"
    # Connect to the address just checked, not to whatever the name resolves to a moment later
    # (DNS rebinding); the Host header and TLS (SNI and the certificate) still name the host.
    target = httpx.URL(url)
    address = addresses[0]
    pinned = target.copy_with(host=address)
    headers = {**headers, "host": target.netloc.decode()}
    try:
        async with httpx.AsyncClient(follow_redirects=False, timeout=TIMEOUT_SECONDS, trust_env=False) as client:
            request = client.build_request("POST", pinned, content=body, headers=headers,
                                           extensions={"sni_hostname": target.host})
            response = await client.send(request)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500]
    if 300 <= response.status_code < 400:
        return response.status_code, "redirects are not followed"
    if response.status_code >= 300:
        return response.status_code, f"the endpoint answered {response.status_code}"
    return response.status_code, ""


async def deliver(delivery_id: int) -> None:
    """Send one delivery (a job): signed with the endpoint's secrets; a failure is logged with
    its response code and tried again later, until the backoff is used up."""
    rows = await fetch(
        "SELECT d.id, d.message_id, d.body, d.state, d.attempts, d.log, e.url, e.secrets "
        "FROM automation_delivery d JOIN automation_endpoint e ON e.id = d.endpoint WHERE d.id = {}", delivery_id,
    )
    if not rows or rows[0]["state"] in ("delivered", "failed"):
        return
    delivery = _opened(_decode(rows[0], "log"))
    body = delivery["body"].encode()
    sent_at = now()
    headers = signing.headers(delivery["secrets"], delivery["message_id"], int(sent_at.timestamp()), body)
    status, error = await _attempt(delivery["url"], headers, body)
    attempts = delivery["attempts"] + 1
    entry = {"at": sent_at.isoformat(), "status": status, "error": error}
    refused = error.startswith("refused:")
    if not error:
        state, next_at = "delivered", None
    elif refused or attempts > len(BACKOFF_MINUTES):
        state, next_at = "failed", None
    else:
        state, next_at = "retrying", sent_at + dt.timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
    if error:
        log.warning("webhook delivery %s attempt %d: %s", delivery_id, attempts, error)
    async with unit_of_work():
        await execute(
            "UPDATE automation_delivery SET state = {}, attempts = {}, last_status = {}, next_attempt_at = {}, "
            "log = {} WHERE id = {}",
            state, attempts, status, next_at, json.dumps([*delivery["log"], entry]), delivery_id,
        )


async def due_retries() -> list[tuple[int, int]]:
    rows = await fetch(
        "SELECT id, attempts FROM automation_delivery WHERE state = 'retrying' AND next_attempt_at <= {} "
        "ORDER BY id LIMIT 500", now(),
    )
    return [(row["id"], row["attempts"]) for row in rows]
