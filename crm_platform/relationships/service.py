"""Relationships: typed links between contacts and companies, checked against the registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from crm_hookspecs import Principal, RelationshipType

from crm_platform import runtime
from crm_platform.audit import service as audit
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, Invalid, NotFound, invalid
from crm_platform.records import access, pipeline
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_condition, order_by
from crm_platform.relationships import ends
from crm_platform.relationships.schemas import RelationshipIn, RelationshipPatch
from crm_platform.relationships.tables import Relationship
from crm_platform.trash import store as trash

RECORD_TYPE = "relationship"
AUDITED = ("type", "source_type", "source_id", "target_type", "target_id", "role", "since", "until")


def registered_types() -> dict[str, RelationshipType]:
    """The relationship types of the core and the active plugins."""
    return {item.key: item for item in runtime.current().host.items("crm_relationship_types")}


def label_from(
    row: dict[str, Any], types: dict[str, RelationshipType], kind: str | None, record_id: int | None
) -> str:
    """The label read from ``(kind, record_id)``: the inverse label from the target's side."""
    known = types.get(row["type"])
    if known is None:  # its plugin was disabled; the data stays
        return row["type"].replace("_", " ")
    from_target = (row["target_type"], row["target_id"]) == (kind, record_id) and (
        row["source_type"], row["source_id"]) != (kind, record_id)
    return known.inverse_label if from_target else known.label


async def _with_ends(condition: str, *args: Any, suffix: str = "") -> list[dict[str, Any]]:
    return await fetch(f"{ends.WITH_ENDS} WHERE {condition}{suffix}", *args)


async def get(principal: Principal, relationship_id: int, action: str = "read") -> dict[str, Any]:
    """A relationship whose two ends ``principal`` may see; changing it needs write on the source."""
    rows = await _with_ends("r.id = {}", relationship_id)
    if not rows:
        raise NotFound(RECORD_TYPE, relationship_id)
    row = rows[0]
    source = {"id": row["source_id"], "owner": row["source_owner"]}
    target = {"id": row["target_id"], "owner": row["target_owner"]}
    await access.ensure(principal, action, row["source_type"], source)
    await access.ensure(principal, "read", row["target_type"], target)
    return row


def _check_dates(since: Any, until: Any) -> None:
    if since is not None and until is not None and since > until:
        raise invalid("until", "must be on or after since")


async def create(principal: Principal, data: RelationshipIn) -> dict[str, Any]:
    types = registered_types()
    known = types.get(data.type)
    if known is None:
        raise invalid("type", f"unknown relationship type {data.type!r}; known: {', '.join(sorted(types))}")
    errors: dict[str, str] = {}
    for end, allowed in (("source", known.source_kinds), ("target", known.target_kinds)):
        if getattr(data, end).type not in allowed:
            errors[f"{end}.type"] = f"a {data.type} relationship's {end} must be a {' or '.join(allowed)}"
    if errors:
        raise Invalid(errors)
    source_key, target_key = (data.source.type, data.source.id), (data.target.type, data.target.id)
    if source_key == target_key:
        raise invalid("target", "a record cannot be related to itself")
    _check_dates(data.since, data.until)
    found = await ends.load([source_key, target_key])
    for end, key in (("source", source_key), ("target", target_key)):
        if key not in found:
            errors[f"{end}.id"] = f"{key[0]} {key[1]} does not exist"
    if errors:
        raise Invalid(errors)
    await access.ensure(principal, "write", data.source.type, found[source_key])
    await access.ensure(principal, "read", data.target.type, found[target_key])
    values = {
        "type": data.type, "source_type": data.source.type, "source_id": data.source.id,
        "target_type": data.target.type, "target_id": data.target.id,
        "role": data.role.strip(), "since": data.since, "until": data.until,
    }
    async with unit_of_work():
        duplicate = await Relationship.exists().where(
            (Relationship.type == data.type)
            & (Relationship.source_type == data.source.type) & (Relationship.source_id == data.source.id)
            & (Relationship.target_type == data.target.type) & (Relationship.target_id == data.target.id)
        )
        if duplicate:
            source, target = f"{data.source.type} {data.source.id}", f"{data.target.type} {data.target.id}"
            raise Conflict(f"{source} already {known.label} {target}")
        inserted = await Relationship.insert(Relationship(**values, created_by=principal.id))
        relationship_id = inserted[0]["id"]
        await audit.record(principal.id, RECORD_TYPE, relationship_id, "create", audit.diff({}, values))
    return await get(principal, relationship_id)


async def update(principal: Principal, relationship_id: int, patch: RelationshipPatch) -> dict[str, Any]:
    existing = await get(principal, relationship_id, "write")
    changes = msgspec.to_builtins(patch, builtin_types=(dt.date,))
    if "role" in changes:
        changes["role"] = changes["role"].strip()
    merged = {name: existing[name] for name in ("role", "since", "until")} | changes
    _check_dates(merged["since"], merged["until"])
    changed = audit.diff({name: existing[name] for name in changes}, changes)
    if changed:
        async with unit_of_work():
            await Relationship.update(changes).where(Relationship.id == relationship_id)
            await audit.record(principal.id, RECORD_TYPE, relationship_id, "update", changed)
    return await get(principal, relationship_id)


async def delete(principal: Principal, relationship_id: int) -> int:
    """Move the relationship to the trash; returns the trash entry's id."""
    existing = await get(principal, relationship_id, "delete")
    types = registered_types()
    title = f"{existing['source_name']} {label_from(existing, types, None, None)} {existing['target_name']}"
    row = {name: value for name, value in existing.items() if not name.startswith(("source_name", "target_name",
                                                                                   "source_owner", "target_owner"))}
    async with unit_of_work():
        await execute("DELETE FROM crm_relationship WHERE id = {}", relationship_id)
        before = {name: existing[name] for name in AUDITED}
        await audit.record(principal.id, RECORD_TYPE, relationship_id, "delete", audit.diff(before, {}))
        return await trash.keep(principal.id, RECORD_TYPE, relationship_id, title=title,
                                owner=existing["source_owner"], row=row, links={})


async def list_relationships(
    principal: Principal,
    record: tuple[str, int] | None,
    type_key: str | None,
    limit: int = 50,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Relationships whose two ends ``principal`` sees, optionally of one record (both
    directions) and of one type, in creation order."""
    limit = check_limit(limit)
    conditions: list[str] = []
    args: list[Any] = []
    if record is not None:
        kind, record_id = record
        found = await ends.load([record])
        if record not in found:
            raise NotFound(kind, record_id)
        await access.ensure(principal, "read", kind, found[record])
        conditions.append(
            "((r.source_type = {} AND r.source_id = {}) OR (r.target_type = {} AND r.target_id = {}))"
        )
        args += [kind, record_id, kind, record_id]
    if type_key:
        conditions.append("r.type = {}")
        args.append(type_key)
    visible, visible_args = await ends.visible_ends_sql(principal)
    if visible:
        conditions.append(visible)
        args += visible_args
    order = Sort("id", descending=False)
    after, after_args = keyset_condition(order, cursor, "r")
    if after:
        conditions.append(after)
        args += after_args
    where = " AND ".join(conditions) or "1 = 1"
    rows = await _with_ends(where, *args, suffix=f" ORDER BY {order_by(order, 'r')} LIMIT {limit + 1}")
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["id"], rows[-1]["id"])
    return rows, next_cursor


RELATIONSHIP_FIELDS = ("id", "type", "source_type", "source_id", "target_type", "target_id", "role", "since", "until")


async def of_record(
    principal: Principal, record_type: str, record_id: int, type_key: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The first ``limit`` relationships of one record, in both directions, whose two ends
    ``principal`` sees; ends are named by kind and id only, so a caller names them through
    the visibility rule (``toolkit.get_records``)."""
    rows, _ = await list_relationships(principal, (record_type, record_id), type_key, limit)
    return [{name: row[name] for name in RELATIONSHIP_FIELDS} for row in rows]


async def of_records(
    principal: Principal, record_type: str, record_ids: list[int], type_key: str | None = None
) -> dict[int, list[dict[str, Any]]]:
    """The relationships of many records of one kind at once, in both directions, whose two
    ends ``principal`` sees, in a constant number of queries: ``{record_id: [relationship]}``
    for each of ``record_ids`` that ``principal`` may read (the others are left out), in
    creation order; shaped as :func:`of_record`'s."""
    ids = sorted(set(record_ids))
    readable = sorted(await pipeline.read_many(principal, record_type, ids)) if ids else []
    found: dict[int, list[dict[str, Any]]] = {record_id: [] for record_id in readable}
    if not readable:
        return found
    marks = ", ".join("{}" for _ in readable)
    conditions = [f"((r.source_type = {{}} AND r.source_id IN ({marks})) OR "
                  f"(r.target_type = {{}} AND r.target_id IN ({marks})))"]
    args: list[Any] = [record_type, *readable, record_type, *readable]
    if type_key:
        conditions.append("r.type = {}")
        args.append(type_key)
    visible, visible_args = await ends.visible_ends_sql(principal)
    if visible:
        conditions.append(visible)
        args += visible_args
    for row in await _with_ends(" AND ".join(conditions), *args, suffix=" ORDER BY r.id"):
        relationship = {name: row[name] for name in RELATIONSHIP_FIELDS}
        for end in ("source", "target"):
            if row[f"{end}_type"] == record_type and row[f"{end}_id"] in found:
                found[row[f"{end}_id"]].append(relationship)
    return found
