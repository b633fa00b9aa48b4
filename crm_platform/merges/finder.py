"""Likely duplicates among the records a user may see, as pairs with their reasons.

Each reason is one set-based query, a join of the visible records on a normalised key (never
a comparison of every pair in Python): the same email address, the same E.164 phone, the same
name at the same company, and, for similar names, a block of the same family name and
initial whose names rapidfuzz then scores. Each query reads the whole table once, which is
what a page of the duplicates list costs today.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crm_hookspecs import Principal
from rapidfuzz import fuzz

from crm_platform import runtime
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import fetch
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


async def _visible(principal: Principal, kind: str, alias: str) -> tuple[str, list[object]]:
    where, args = await pipeline.visibility(principal, kind, alias=alias)
    return "".join(f" AND {part}" for part in where), args


async def _pairs_on(
    principal: Principal, kind: str, table: str, title: str, keyed: str, key_args: list[object], limit: int
) -> list[dict]:
    """Pairs of visible records sharing a key; ``keyed`` selects ``(id, k)`` from ``c``."""
    first, first_args = await _visible(principal, kind, "a")
    second, second_args = await _visible(principal, kind, "b")
    return await fetch(
        f"WITH keyed AS ({keyed}) "
        f"SELECT DISTINCT a.id AS first_id, a.{title} AS first_title, b.id AS second_id, b.{title} AS second_title "
        f"FROM keyed ka JOIN keyed kb ON kb.k = ka.k AND kb.id > ka.id "
        f"JOIN {table} a ON a.id = ka.id JOIN {table} b ON b.id = kb.id "
        f"WHERE 1 = 1{first}{second} ORDER BY a.id, b.id LIMIT {{}}",
        *key_args, *first_args, *second_args, limit,
    )


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
        add(await _pairs_on(principal, kind, "crm_contact", "display_name",
                            f"SELECT c.id, {address} AS k FROM crm_contact c, {join} "
                            f"UNION SELECT c.id, c.primary_email FROM crm_contact c WHERE c.primary_email IS NOT NULL",
                            [], limit), "same email")
        join, number = _elements("phones", "number")
        add(await _pairs_on(principal, kind, "crm_contact", "display_name",
                            f"SELECT c.id, {number} AS k FROM crm_contact c, {join}", [], limit), "same phone")
        add(await _pairs_on(principal, kind, "crm_contact", "display_name",
                            "SELECT c.id, lower(c.display_name) || '@' || r.target_id AS k FROM crm_contact c "
                            "JOIN crm_relationship r ON r.source_type = 'contact' AND r.source_id = c.id "
                            "AND r.type = 'works_at' AND r.target_type = 'company'", [], limit),
            "same name at the same company")
        blocked = await _pairs_on(principal, kind, "crm_contact", "display_name",
                                  "SELECT c.id, lower(c.family_name) || ' ' || lower(substr(c.given_name, 1, 1)) AS k "
                                  "FROM crm_contact c WHERE c.family_name <> ''", [], limit * 4)
        add([row for row in blocked if fuzz.token_sort_ratio(
            row["first_title"].lower(), row["second_title"].lower()) >= SIMILAR_NAME], "similar name")
    else:
        join, domain = _elements("domains", "")
        add(await _pairs_on(principal, kind, "crm_company", "name",
                            f"SELECT c.id, {domain} AS k FROM crm_company c, {join}", [], limit), "same domain")
        add(await _pairs_on(principal, kind, "crm_company", "name",
                            "SELECT c.id, lower(c.name) AS k FROM crm_company c", [], limit), "same name")
    ordered = sorted(found.values(), key=lambda pair: (-len(pair.reasons), pair.first_id, pair.second_id))
    return ordered[:limit]
