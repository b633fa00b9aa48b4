"""The consent ledger: who agreed to what, on which channel, when, where and to which wording.
Rows are only ever added; withdrawing is a new row, so the history stays whole."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform.audit import service as audit
from crm_platform.db.raw import fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid
from crm_platform.privacy.tables import Consent
from crm_platform.records import pipeline

CHANNELS = ("", "email", "phone", "sms", "post")
PURPOSE_LENGTH, SOURCE_LENGTH, VERSION_LENGTH = 60, 100, 60


async def ledger(principal: Principal, contact_id: int) -> list[dict[str, Any]]:
    """The contact's consent rows, newest first, if ``principal`` may see the contact."""
    await pipeline.read_one(principal, "contact", contact_id)
    return await fetch("SELECT id, purpose, channel, granted, source, text_version, actor_id, at FROM crm_consent "
                       "WHERE contact = {} ORDER BY at DESC, id DESC", contact_id)


def current(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The newest row per purpose and channel: what holds now."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        seen.setdefault((row["purpose"], row["channel"]), row)
    return sorted(seen.values(), key=lambda row: (row["purpose"], row["channel"]))


def _check(purpose: str, channel: str, source: str, text_version: str) -> dict[str, str]:
    errors = {}
    if not purpose.strip():
        errors["purpose"] = "say what the consent is for, like newsletter"
    elif len(purpose) > PURPOSE_LENGTH:
        errors["purpose"] = f"at most {PURPOSE_LENGTH} characters"
    if channel not in CHANNELS:
        errors["channel"] = "one of email, phone, sms, post, or empty for every channel"
    if len(source) > SOURCE_LENGTH:
        errors["source"] = f"at most {SOURCE_LENGTH} characters"
    if len(text_version) > VERSION_LENGTH:
        errors["text_version"] = f"at most {VERSION_LENGTH} characters"
    return errors


async def record(principal: Principal, contact_id: int, *, purpose: str, granted: bool, channel: str = "",
                 source: str = "", text_version: str = "") -> dict[str, Any]:
    """Add a row to the ledger of a contact ``principal`` may change."""
    await pipeline.read_one(principal, "contact", contact_id, "write")
    purpose, source, text_version = purpose.strip().lower(), source.strip(), text_version.strip()
    if errors := _check(purpose, channel, source, text_version):
        raise Invalid(errors)
    async with unit_of_work():
        rows = await Consent.insert(Consent(contact=contact_id, purpose=purpose, channel=channel, granted=granted,
                                            source=source, text_version=text_version, actor_id=principal.id))
        await audit.record(principal.id, "contact", contact_id, "consent",
                           {"consent": {"purpose": purpose, "channel": channel, "granted": granted}})
    entry = await fetch("SELECT id, purpose, channel, granted, source, text_version, actor_id, at FROM crm_consent "
                        "WHERE id = {}", rows[0]["id"])
    return entry[0]
