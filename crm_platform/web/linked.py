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
    refs = {(link["record_type"], link["record_id"]) for row in activity_rows for link in row.get("links", ())}
    found: dict[tuple[str, int], tuple[str, str]] = {}
    for (key, record_id), name in (await pipeline.visible_names(principal, refs)).items():
        kind = kinds.get(key, "record_type")  # visible_names keeps only kinds that are there
        href = kind.url.replace("{id}", str(record_id)) if kind.url else ""
        found[(key, record_id)] = (name or f"{kind.label} {record_id}", href)
    return found
