"""The two ends of relationships and links: contacts and companies, read in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crm_hookspecs import Principal

from crm_platform.db.raw import fetch, placeholders
from crm_platform.records import pipeline

# Which table holds each core record type, and the column that names a record.
KIND_TABLES = {"contact": ("crm_contact", "display_name"), "company": ("crm_company", "name")}
CORE_KINDS = tuple(KIND_TABLES)

# A relationship with the name and owner of both ends, in one query whatever their kinds.
WITH_ENDS = (
    "SELECT r.*, "
    "CASE WHEN r.source_type = 'contact' THEN sc.display_name ELSE sco.name END AS source_name, "
    "CASE WHEN r.source_type = 'contact' THEN sc.owner ELSE sco.owner END AS source_owner, "
    "CASE WHEN r.target_type = 'contact' THEN tc.display_name ELSE tco.name END AS target_name, "
    "CASE WHEN r.target_type = 'contact' THEN tc.owner ELSE tco.owner END AS target_owner "
    "FROM crm_relationship r "
    "LEFT JOIN crm_contact sc ON r.source_type = 'contact' AND sc.id = r.source_id "
    "LEFT JOIN crm_company sco ON r.source_type = 'company' AND sco.id = r.source_id "
    "LEFT JOIN crm_contact tc ON r.target_type = 'contact' AND tc.id = r.target_id "
    "LEFT JOIN crm_company tco ON r.target_type = 'company' AND tco.id = r.target_id"
)


async def load(refs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """``{(kind, id): {"id", "name", "owner"}}`` for the contacts and companies that exist,
    one query per kind."""
    by_kind: dict[str, list[int]] = {}
    for kind, record_id in refs:
        if kind in KIND_TABLES:
            by_kind.setdefault(kind, [])
            if record_id not in by_kind[kind]:
                by_kind[kind].append(record_id)
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for kind, ids in by_kind.items():
        table, name_column = KIND_TABLES[kind]
        rows = await fetch(
            f"SELECT id, {name_column} AS name, owner FROM {table} WHERE id IN ({placeholders(ids)})", *ids
        )
        found.update({(kind, row["id"]): row for row in rows})
    return found


async def visible_ends_sql(principal: Principal, alias: str = "r") -> tuple[str, list[Any]]:
    """A WHERE fragment keeping relationships whose two ends ``principal`` may see, by each
    kind's own visibility rule (the plugins' conditions included)."""
    rules = {kind: await pipeline.visibility(principal, kind) for kind in CORE_KINDS}
    if not any(where for where, _ in rules.values()):
        return "", []
    parts, args = [], []
    for end in ("source", "target"):
        either = []
        for kind, (where, where_args) in rules.items():
            table = KIND_TABLES[kind][0]
            either.append(
                f"({alias}.{end}_type = '{kind}' AND {alias}.{end}_id IN "
                f"(SELECT id FROM {table} WHERE {' AND '.join(where) or '1 = 1'}))"
            )
            args += where_args
        parts.append(f"({' OR '.join(either)})")
    return " AND ".join(parts), args
