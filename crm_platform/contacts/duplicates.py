"""Possible duplicates of a contact: same phone, same email, or a very similar name.

Exact primary-email duplicates are refused on write; these are the softer cases a person
should look at (a typo in a name, a second address, a number written differently).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm_hookspecs import Principal
from rapidfuzz import fuzz

from crm_platform.contacts import service
from crm_platform.contacts.clean import clean_emails, clean_phones
from crm_platform.regional import preferences as regional
from crm_platform.search.index import search

NAME_THRESHOLD = 85
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Candidate:
    id: int
    display_name: str
    score: int
    reasons: list[str]


def _contact_points(row: dict[str, Any]) -> tuple[set[str], set[str]]:
    return {email["address"] for email in row["emails"]}, {phone["number"] for phone in row["phones"]}


async def candidates(principal: Principal, contact_id: int) -> list[Candidate]:
    """Visible contacts that may be the same person, best first."""
    return await candidates_like(principal, await service.get(principal, contact_id), exclude_id=contact_id)


async def candidates_for_new(principal: Principal, body: dict[str, Any]) -> list[Candidate]:
    """Visible contacts that may be the same person as a contact about to be created from
    ``body`` (the API's contact fields); emails and phones that do not parse are left out,
    since saving names them as errors."""
    ignored: dict[str, str] = {}
    given, family = body["given_name"].strip(), body["family_name"].strip()
    draft = {
        "display_name": f"{given} {family}".strip(), "given_name": given, "family_name": family,
        "emails": clean_emails(body["emails"], ignored),
        "phones": clean_phones(body["phones"], regional.phone_region(), ignored),
    }
    return await candidates_like(principal, draft)


async def candidates_like(principal: Principal, contact: dict[str, Any], exclude_id: int | None = None) -> list[Candidate]:
    """Visible contacts that may be the same person as ``contact`` (a stored contact, or one
    about to be: ``display_name``, ``given_name``, ``family_name``, normalised ``emails`` and
    E.164 ``phones``), best first."""
    queries = [contact["display_name"]] if contact["display_name"] else []
    given, family = contact["given_name"], contact["family_name"]
    if given and family:
        # Prefixes of each half catch a typo in the other half.
        queries += [f"{given} {family[:3]}", f"{given[:1]} {family}"]
    queries += [email["address"] for email in contact["emails"]]
    queries += [phone["number"] for phone in contact["phones"]]
    found: set[int] = set()
    for query in queries[:8]:
        found.update(hit.record_id for hit in await search(principal, query, limit=25, kinds=("contact",)))
    found.discard(exclude_id)
    rows = await service.rows_by_id(sorted(found))
    emails, phones = _contact_points(contact)
    results = []
    for row in rows.values():
        their_emails, their_phones = _contact_points(row)
        reasons = []
        if emails & their_emails:
            reasons.append("same email")
        if phones & their_phones:
            reasons.append("same phone")
        name_score = int(fuzz.token_sort_ratio(contact["display_name"].lower(), row["display_name"].lower()))
        if name_score >= NAME_THRESHOLD:
            reasons.append("similar name")
        if reasons:
            score = 100 if len(reasons) > 1 or "similar name" not in reasons else name_score
            results.append(Candidate(row["id"], row["display_name"], score, reasons))
    results.sort(key=lambda candidate: (-candidate.score, candidate.display_name, candidate.id))
    return results[:MAX_CANDIDATES]
