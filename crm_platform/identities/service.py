"""Normalising identities and finding the contacts they belong to, in one query per batch.

An email matches a contact that has it as an identity or as its primary email (which every
contact with an address has), so contacts need no identity rows to be found by email.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

from crm_platform import clock
from crm_platform.db.bulk import insert_rows
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import invalid
from crm_platform.regional import preferences as regional

KINDS = ("email", "phone", "handle")
_NETWORK = re.compile(r"^[a-z0-9_]{1,30}$")


@dataclass(frozen=True)
class Identity:
    """A normalised identity: ``Identity("email", "ann@example.com")``,
    ``Identity("phone", "+442079460000")``, ``Identity("handle", "ann", "instagram")``."""

    kind: str
    value: str
    network: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.network}:{self.value}"


def normalise(kind: str, value: str, network: str = "") -> Identity | None:
    """The identity in its one spelling, or ``None`` when ``value`` is not one: emails lower
    case, phones E.164 (read in the instance's default region), handles without ``@`` and
    lower case, per ``network``."""
    text = (value or "").strip()
    if kind == "email":
        text = text.strip("<>").lower()
        local, at, domain = text.rpartition("@")
        if not at or not local or "." not in domain or any(c.isspace() for c in text) or len(text) > 254:
            return None
        return Identity("email", text)
    if kind == "phone":
        try:
            number = phonenumbers.parse(text, regional.phone_region() or None)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_possible_number(number):
            return None
        return Identity("phone", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    if kind == "handle":
        network = (network or "").strip().lower()
        text = text.lstrip("@").lower()
        if not _NETWORK.match(network) or not text or len(text) > 254:
            return None
        return Identity("handle", text, network)
    raise invalid("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")


async def find_contacts(identities: Iterable[Identity]) -> dict[Identity, int]:
    """``{identity: contact id}`` for the identities some contact has; two queries at most."""
    wanted = {identity.key: identity for identity in identities}
    if not wanted:
        return {}
    keys = sorted(wanted)
    found: dict[Identity, int] = {}
    for row in await fetch(
        f"SELECT key, contact FROM crm_contact_identity WHERE key IN ({placeholders(keys)})", *keys
    ):
        found[wanted[row["key"]]] = row["contact"]
    emails = sorted(i.value for i in wanted.values() if i.kind == "email" and i not in found)
    if emails:
        for row in await fetch(
            f"SELECT id, primary_email FROM crm_contact WHERE primary_email IN ({placeholders(emails)})", *emails
        ):
            found[Identity("email", row["primary_email"])] = row["id"]
    return found


async def add(contact_id: int, identities: Iterable[Identity]) -> int:
    """Give the contact these identities; those another contact (or this one) has already are
    left as they are. Returns how many were added."""
    unique = {identity.key: identity for identity in identities}
    if not unique:
        return 0
    keys = sorted(unique)
    taken = {row["key"] for row in await fetch(
        f"SELECT key FROM crm_contact_identity WHERE key IN ({placeholders(keys)})", *keys
    )}
    rows = [(contact_id, i.kind, i.network, i.value, key) for key, i in unique.items() if key not in taken]
    if rows:
        async with unit_of_work():  # joins the caller's, if there is one
            await insert_rows("crm_contact_identity", ("contact", "kind", "network", "value", "key"), rows,
                              {"created_at": clock.now()})
    return len(rows)


async def of_contacts(contact_ids: Iterable[int]) -> dict[int, list[Identity]]:
    """Each contact's identities (those it has rows for), by kind then value."""
    ids = sorted(set(contact_ids))
    result: dict[int, list[Identity]] = {contact_id: [] for contact_id in ids}
    if not ids:
        return result
    for row in await fetch(
        f"SELECT contact, kind, network, value FROM crm_contact_identity WHERE contact IN ({placeholders(ids)}) "
        "ORDER BY kind, network, value", *ids
    ):
        result[row["contact"]].append(Identity(row["kind"], row["value"], row["network"]))
    return result


async def remove(contact_id: int, identity: Identity) -> bool:
    rows = await execute("DELETE FROM crm_contact_identity WHERE contact = {} AND key = {} RETURNING id",
                         contact_id, identity.key)
    return bool(rows)
