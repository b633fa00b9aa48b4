"""Signatures per the Standard Webhooks specification: ``webhook-id``, ``webhook-timestamp``
and ``webhook-signature`` (``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, several
separated by spaces while a secret is rotated). Secrets are ``whsec_<base64>``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as random_secrets
import time

PREFIX = "whsec_"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return PREFIX + base64.b64encode(random_secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def headers(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers, signed with every current secret (newest first)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(secret, message_id, timestamp, body) for secret in secrets),
        "content-type": "application/json",
    }


class BadSignature(ValueError):
    """The message is not signed with our secret, is too old or too new."""


def verify(secret: str, received: dict[str, str], body: bytes, *, now: float | None = None) -> str:
    """The message id of a correctly signed message; raises :class:`BadSignature` saying why."""
    lowered = {key.lower(): value for key, value in received.items()}
    message_id, stamp, signatures = (lowered.get(name) for name in ("webhook-id", "webhook-timestamp",
                                                                      "webhook-signature"))
    if not message_id or not stamp or not signatures:
        raise BadSignature("webhook-id, webhook-timestamp and webhook-signature are required")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise BadSignature("webhook-timestamp must be whole seconds since 1970") from None
    if abs((now if now is not None else time.time()) - timestamp) > TOLERANCE_SECONDS:
        raise BadSignature("webhook-timestamp is more than five minutes away from now")
    expected = signature(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in signatures.split()):
        raise BadSignature("no webhook-signature matches")
    return message_id
