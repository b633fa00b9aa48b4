"""Segments: a set of records of one kind, dynamic (a saved filter with the core's list filters,
typed custom-field operators included) or static (records added to it by hand or by a
workflow). Members are always those the asking user may see."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal

from crm_platform.toolkit import (
    Invalid,
    NotFound,
    RecordFilter,
    count_records,
    execute,
    fetch,
    get_records,
    invalid,
    list_records,
    now,
    placeholders,
    unit_of_work,
)

FILTER_KEYS = ("owner_id", "tag", "equals", "custom")
MAX_CUSTOM = 20
MAX_IDS = 1000
MEMBERS = "SELECT record_id FROM automation_segment_member WHERE segment = {}"


def _row(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("filters"), str):
        row["filters"] = json.loads(row["filters"])
    row["dynamic"] = bool(row["dynamic"])
    return row


def record_filter(segment: dict[str, Any], *, ids: tuple[int, ...] | None = None) -> RecordFilter:
    if not segment["dynamic"]:
        return RecordFilter(id_in=MEMBERS, id_in_args=(segment["id"],), ids=ids)
    filters = segment["filters"]
    return RecordFilter(owner_id=filters.get("owner_id"), tag=filters.get("tag") or None,
                        equals=filters.get("equals") or {}, custom=tuple(filters.get("custom") or ()), ids=ids)


def _check_filters(filters: Any) -> dict[str, Any]:
    if filters in (None, {}):
        return {}
    if not isinstance(filters, dict):
        raise invalid("filters", "must be an object with owner_id, tag, equals and custom")
    errors = {f"filters.{key}": f"unknown filter; use {', '.join(FILTER_KEYS)}" for key in filters
              if key not in FILTER_KEYS}
    owner_id, tag = filters.get("owner_id"), filters.get("tag")
    if owner_id is not None and (not isinstance(owner_id, int) or isinstance(owner_id, bool)):
        errors["filters.owner_id"] = "must be a user id"
    if tag is not None and (not isinstance(tag, str) or len(tag) > 100):
        errors["filters.tag"] = "must be a tag, at most 100 characters"
    equals = filters.get("equals") or {}
    if not isinstance(equals, dict) or any(isinstance(v, (dict, list)) for v in equals.values()):
        errors["filters.equals"] = "must map field names to single values"
    custom = filters.get("custom") or []
    if not isinstance(custom, list) or not all(isinstance(item, str) for item in custom) or len(custom) > MAX_CUSTOM:
        errors["filters.custom"] = f"must be a list of at most {MAX_CUSTOM} filters written key:operator:value"
    if errors:
        raise Invalid(errors)
    return {key: filters[key] for key in FILTER_KEYS if filters.get(key) not in (None, "", [], {})}


async def _validate(principal: Principal, data: Any, current: dict[str, Any] | None = None) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise invalid("body", "must be an object")
    name = data.get("name", current["name"] if current else None)
    errors: dict[str, str] = {}
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        errors["name"] = "is required, at most 200 characters"
    kind = data.get("kind", current["kind"] if current else "contact")
    if not isinstance(kind, str):
        errors["kind"] = "must name a record kind"
    dynamic = data.get("dynamic", current["dynamic"] if current else True)
    if not isinstance(dynamic, bool):
        errors["dynamic"] = "must be true (a saved filter) or false (a static list)"
    if errors:
        raise Invalid(errors)
    filters = _check_filters(data.get("filters", current["filters"] if current else {}))
    if not dynamic and filters:
        raise invalid("filters", "a static list has no filters: add its members instead")
    segment = {"id": 0, "name": name.strip(), "kind": kind, "dynamic": dynamic, "filters": filters}
    try:  # the core checks the filters (custom fields, their operators and values) as a list would
        await count_records(principal, kind, record_filter(segment, ids=()))
    except Invalid as exc:
        raise Invalid({key if key == "kind" else f"filters.{key}": message
                       for key, message in exc.errors.items()}) from None
    return segment


async def create(principal: Principal, data: Any) -> dict[str, Any]:
    segment = await _validate(principal, data)
    rows = await execute(
        "INSERT INTO automation_segment (name, kind, dynamic, filters, created_at, updated_at) "
        "VALUES ({}, {}, {}, {}, {}, {}) RETURNING id",
        segment["name"], segment["kind"], segment["dynamic"], json.dumps(segment["filters"]), now(), now(),
    )
    return await get(principal, rows[0]["id"])


async def load(segment_id: int) -> dict[str, Any]:
    rows = await fetch("SELECT id, name, kind, dynamic, filters, created_at, updated_at FROM automation_segment "
                       "WHERE id = {}", segment_id)
    if not rows:
        raise NotFound("automation.segment", segment_id)
    return _row(rows[0])


async def get(principal: Principal, segment_id: int) -> dict[str, Any]:
    """The segment with how many members the user sees."""
    segment = await load(segment_id)
    return segment | {"count": await count_records(principal, segment["kind"], record_filter(segment))}


async def all_segments() -> list[dict[str, Any]]:
    rows = await fetch("SELECT id, name, kind, dynamic, filters, created_at, updated_at FROM automation_segment "
                       "ORDER BY name, id LIMIT 500")
    return [_row(row) for row in rows]


async def update(principal: Principal, segment_id: int, data: Any) -> dict[str, Any]:
    current = await load(segment_id)
    if isinstance(data, dict) and "dynamic" in data and data["dynamic"] != current["dynamic"]:
        raise invalid("dynamic", "a segment stays dynamic or static: make a new one")
    segment = await _validate(principal, data, current)
    await execute("UPDATE automation_segment SET name = {}, kind = {}, filters = {}, updated_at = {} WHERE id = {}",
                  segment["name"], segment["kind"], json.dumps(segment["filters"]), now(), segment_id)
    return await get(principal, segment_id)


async def delete(segment_id: int) -> None:
    await load(segment_id)
    await execute("DELETE FROM automation_segment WHERE id = {}", segment_id)


async def members(principal: Principal, segment_id: int, *, limit: int = 50, cursor: str | None = None
                  ) -> tuple[dict[str, Any], list[dict[str, Any]], str | None]:
    segment = await load(segment_id)
    rows, next_cursor = await list_records(principal, segment["kind"], record_filter(segment), limit=limit,
                                           cursor=cursor)
    return segment, rows, next_cursor


async def _static(segment_id: int) -> dict[str, Any]:
    segment = await load(segment_id)
    if segment["dynamic"]:
        raise invalid("segment", f"segment {segment['name']!r} is a saved filter: its members follow the filter")
    return segment


def _ids(ids: Any) -> list[int]:
    if (not isinstance(ids, list) or not ids or len(ids) > MAX_IDS
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)):
        raise invalid("ids", f"must be a list of 1 to {MAX_IDS} record ids")
    return list(dict.fromkeys(ids))


async def add(principal: Principal, segment_id: int, ids: Any) -> int:
    """Add records the user may see to a static list; how many were not in it yet."""
    segment = await _static(segment_id)
    wanted = _ids(ids)
    seen = await get_records(principal, segment["kind"], wanted)
    missing = {f"ids[{index}]": "does not exist or you may not see it" for index, i in enumerate(wanted)
               if i not in seen}
    if missing:
        raise Invalid(missing)
    async with unit_of_work():
        added = await execute(
            f"INSERT INTO automation_segment_member (segment, record_id, added_at) VALUES "
            f"{', '.join('({}, {}, {})' for _ in wanted)} ON CONFLICT (segment, record_id) DO NOTHING RETURNING id",
            *[value for i in wanted for value in (segment_id, i, now())],
        )
    return len(added)


async def remove(principal: Principal, segment_id: int, ids: Any) -> int:
    segment = await _static(segment_id)
    wanted = list((await get_records(principal, segment["kind"], _ids(ids))).keys())
    if not wanted:
        return 0
    removed = await execute(
        f"DELETE FROM automation_segment_member WHERE segment = {{}} AND record_id IN ({placeholders(wanted)}) "
        "RETURNING id", segment_id, *wanted)
    return len(removed)


async def containing(principal: Principal, segment_ids: list[int], kind: str, record_id: int) -> list[int]:
    """Which of ``segment_ids`` hold the record (as ``principal`` sees them): one query each."""
    found = []
    for segment_id in segment_ids:
        try:
            segment = await load(segment_id)
        except NotFound:
            continue
        if segment["kind"] == kind and await count_records(principal, kind, record_filter(segment, ids=(record_id,))):
            found.append(segment_id)
    return found
