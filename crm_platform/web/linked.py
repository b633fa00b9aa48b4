"""The names and pages of the records activities link to, among those the reader may see."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crm_hookspecs import Principal

from crm_platform.records import kinds, pipeline


async def linked_records(
    principal: Principal, activity_rows: Iterable[dict[str, Any]]
) -> dict[tuple[str, int], tuple[str, str]]:
    """``(record_type, id) -> (title, href)`` for every linked record ``principal`` may
    see (the others are left out, so their names never show), one query per kind."""
    wanted: dict[str, set[int]] = {}
    for row in activity_rows:
        for link in row.get("links", ()):
            wanted.setdefault(link["record_type"], set()).add(link["record_id"])
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for key, ids in sorted(wanted.items()):
        kind = kinds.find(key)
        if kind is None:
            continue
        for record_id, record in (await pipeline.read_many(principal, key, sorted(ids))).items():
            href = kind.url.replace("{id}", str(record_id)) if kind.url else ""
            found[(key, record_id)] = (str(record.get(kind.title_column) or f"{kind.label} {record_id}"), href)
    return found
