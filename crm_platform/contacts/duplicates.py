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
    contact = await service.get(principal, contact_id)
    queries = [contact["display_name"]]
    given, family = contact["given_name"], contact["family_name"]
    if given and family:
        # Prefixes of each half catch a typo in the other half.
        queries += [f"{given} {family[:3]}", f"{given[:1]} {family}"]
    queries += [email["address"] for email in contact["emails"]]
    queries += [phone["number"] for phone in contact["phones"]]
    found: set[int] = set()
    for query in queries[:8]:
        found.update(hit.record_id for hit in await search(principal, query, limit=25, kinds=("contact",)))
    found.discard(contact_id)
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
