"""Contacts found by what other systems know them by: an order export names its customer by
email, not by our id."""

from __future__ import annotations

from collections.abc import Iterable

from crm_hookspecs import Principal

from crm_platform.db.raw import fetch, placeholders
from crm_platform.records.pipeline import read_many


async def ids_by_email(principal: Principal, emails: Iterable[str], action: str = "read") -> dict[str, int]:
    """``{email: contact id}`` for the contacts whose first email is one of ``emails`` (case
    of the address ignored) and that ``principal`` may ``action``; the others are left out.
    Two queries whatever the number of addresses."""
    wanted = sorted({email.strip().lower() for email in emails if email and email.strip()})
    if not wanted:
        return {}
    rows = await fetch(
        f"SELECT id, primary_email FROM crm_contact WHERE primary_email IN ({placeholders(wanted)})", *wanted
    )
    visible = await read_many(principal, "contact", [row["id"] for row in rows], action)
    return {row["primary_email"]: row["id"] for row in rows if row["id"] in visible}
