"""Likely duplicates among the records a user may see, as pairs with their reasons.

Each reason is one set-based query, a join of the visible records on a normalised key (never
a comparison of every pair in Python): the same email address, the same E.164 phone, the same
name at the same company, and, for similar names, a block of the same family name and
initial whose names rapidfuzz then scores. A reason costs two passes over the visible
records (grouping by the key, then reading the holders of the keys found), never a
comparison of every pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crm_hookspecs import Principal
from rapidfuzz import fuzz

from crm_platform import runtime
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import fetch, placeholders
from crm_platform.errors import Invalid
from crm_platform.records import pipeline

SIMILAR_NAME = 85


@dataclass
class Pair:
    kind: str
    first_id: int
    first_title: str
    second_id: int
    second_title: str
    reasons: list[str] = field(default_factory=list)


def _elements(column: str, name: str) -> tuple[str, str]:
    """A join over the items of a JSON list column of ``c`` and the SQL of each item's ``name``."""
    if isinstance(runtime.current().engine, SQLiteEngine):
        return f"json_each(c.{column}) e", f"json_extract(e.value, '$.{name}')" if name else "e.value"
    if name:
        return f"json_array_elements(c.{column}::json) e", f"(e.value ->> '{name}')"
    return f"json_array_elements_text(c.{column}::json) e", "e.value"


# Records sharing one key beyond this many are a key too common to mean "the same" (a family
# name and initial, a switchboard number): only the first ones are paired.
GROUP_LIMIT = 10


async def _pairs_on(
    principal: Principal, kind: str, table: str, title: str, keyed: list[str], limit: int
) -> list[dict]:
    """Pairs of visible records sharing a key. ``keyed`` are selects of ``(id, k)`` from the
    kind's table as ``c``, each ending in its WHERE clause. Three statements, each one pass:
    the keys held by more than one record, the records holding them, their titles."""
    where, args = await pipeline.visibility(principal, kind, alias="c")
    visible = "".join(f" AND {part}" for part in where)
    union = " UNION ".join(f"{part}{visible}" for part in keyed)
    union_args = args * len(keyed)
    keys = [row["k"] for row in await fetch(
        f"SELECT k FROM ({union}) keyed WHERE k IS NOT NULL AND k <> '' GROUP BY k HAVING count(*) > 1 "
        "ORDER BY k LIMIT {}", *union_args, limit,
    )]
    if not keys:
        return []
    holders = await fetch(
        f"SELECT id, k FROM ({union}) keyed WHERE k IN ({placeholders(keys)}) ORDER BY k, id", *union_args, *keys
    )
    groups: dict[str, list[int]] = {}
    for row in holders:
        group = groups.setdefault(row["k"], [])
        if len(group) < GROUP_LIMIT and row["id"] not in group:
            group.append(row["id"])
    ids = sorted({record_id for group in groups.values() for record_id in group})
    titles = {row["id"]: row["t"] for row in await fetch(
        f"SELECT id, {title} AS t FROM {table} WHERE id IN ({placeholders(ids)})", *ids
    )}
    found = []
    for group in groups.values():
        for index, first in enumerate(group):
            for second in group[index + 1 :]:
                found.append({"first_id": first, "first_title": titles[first],
                              "second_id": second, "second_title": titles[second]})
    return found


async def pairs(principal: Principal, kind: str, limit: int = 50) -> list[Pair]:
    """Up to ``limit`` likely duplicate pairs of kind ``contact`` or ``company``, those with
    the most reasons first."""
    if kind not in ("contact", "company"):
        raise Invalid({"kind": "duplicates are found among contacts or companies"})
    found: dict[tuple[int, int], Pair] = {}

    def add(rows: list[dict], reason: str) -> None:
        for row in rows:
            pair = found.setdefault(
                (row["first_id"], row["second_id"]),
                Pair(kind, row["first_id"], row["first_title"], row["second_id"], row["second_title"]),
            )
            if reason not in pair.reasons:
                pair.reasons.append(reason)

    if kind == "contact":
        join, address = _elements("emails", "address")
        add(await _pairs_on(principal, kind, "crm_contact", "display_name", [
            f"SELECT c.id, {address} AS k FROM crm_contact c, {join} WHERE 1 = 1",
            "SELECT c.id, c.primary_email AS k FROM crm_contact c WHERE c.primary_email IS NOT NULL",
        ], limit), "same email")
        join, number = _elements("phones", "number")
        add(await _pairs_on(principal, kind, "crm_contact", "display_name", [
            f"SELECT c.id, {number} AS k FROM crm_contact c, {join} WHERE 1 = 1",
        ], limit), "same phone")
        add(await _pairs_on(principal, kind, "crm_contact", "display_name", [
            "SELECT c.id, lower(c.display_name) || '@' || r.target_id AS k FROM crm_contact c "
            "JOIN crm_relationship r ON r.source_type = 'contact' AND r.source_id = c.id "
            "AND r.type = 'works_at' AND r.target_type = 'company' WHERE 1 = 1",
        ], limit), "same name at the same company")
        blocked = await _pairs_on(principal, kind, "crm_contact", "display_name", [
            "SELECT c.id, lower(c.family_name) || ' ' || lower(substr(c.given_name, 1, 1)) AS k "
            "FROM crm_contact c WHERE c.family_name <> ''",
        ], limit * 4)
        add([row for row in blocked if fuzz.token_sort_ratio(
            row["first_title"].lower(), row["second_title"].lower()) >= SIMILAR_NAME], "similar name")
    else:
        join, domain = _elements("domains", "")
        add(await _pairs_on(principal, kind, "crm_company", "name", [
            f"SELECT c.id, {domain} AS k FROM crm_company c, {join} WHERE 1 = 1",
        ], limit), "same domain")
        add(await _pairs_on(principal, kind, "crm_company", "name", [
            "SELECT c.id, lower(c.name) AS k FROM crm_company c WHERE 1 = 1",
        ], limit), "same name")
    ordered = sorted(found.values(), key=lambda pair: (-len(pair.reasons), pair.first_id, pair.second_id))
    return ordered[:limit]
