"""The trash: listing what a user deleted or could see, restoring it with what pointed at it,
purging it.

Restoring writes the record's row again under its id (a new one only when another record
took the id since), then the rows that pointed at it, its tags and its search entry, in one
unit of work, audited as ``restore`` and announced with ``RecordRestored``. Whoever could
delete the record may restore it; whoever could see it sees it in the trash.
"""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal, RecordKind, RecordWrite
from crm_hookspecs.events import RecordRestored

from crm_platform import clock, runtime
from crm_platform.audit import service as audit
from crm_platform.db.bulk import insert_rows, reserve_ids
from crm_platform.db.raw import decode_json_columns, execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, Forbidden, NotFound
from crm_platform.records import access, kinds, pipeline, tags
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_condition, order_by
from crm_platform.trash import capture

RELATIONSHIP = "relationship"
LISTED = "id, kind, record_id, title, owner, row_data, deleted_by, deleted_at, expires"
NEWEST_FIRST = Sort("deleted_at", descending=True)


def _decoded(entry: dict[str, Any]) -> dict[str, Any]:
    return decode_json_columns(entry, ("row_data", "links"))


def _known_kinds() -> list[str]:
    # A disabled plugin's records wait in the trash, unseen, as its live records do.
    return [*kinds.active(), RELATIONSHIP]


async def _vetoed(principal: Principal, entry: dict[str, Any]) -> bool:
    kind = kinds.find(entry["kind"])
    if kind is None:
        return False
    record = kinds.decode(kind, dict(entry["row_data"]))
    record.setdefault("owner", record.get(kind.owner_column))
    vetoes = await runtime.current().host.call(
        "crm_check_access", fail_closed=True, principal=principal, action="read", record_type=entry["kind"],
        record=record,
    )
    return False in vetoes


def _cast(column: Any, engine_is_sqlite: bool) -> str:
    if engine_is_sqlite:
        return "{}"  # SQLite compares values as they are bound
    column_type = "INTEGER" if column._meta.primary_key else column.column_type
    return f"CAST({{}} AS {column_type})"


async def _hidden_by_conditions(principal: Principal, entries: list[dict[str, Any]]) -> set[int]:
    """The entries whose record the plugins' SQL conditions (``crm_access_conditions``) hide
    from ``principal``: the conditions are run over the stored rows, one query per kind."""
    from crm_platform.db.engine import is_sqlite

    hidden: set[int] = set()
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_kind.setdefault(entry["kind"], []).append(entry)
    sqlite = is_sqlite(runtime.current().engine)
    for key, group in by_kind.items():
        kind = kinds.find(key)
        extra = await access.conditions(principal, "read", key) if kind is not None else []
        if not extra:
            continue
        columns = kind.table._meta.columns
        entry_id = "{}" if sqlite else "CAST({} AS INTEGER)"
        one_row = ", ".join([f"{entry_id} AS trash_entry_id"] + [f'{_cast(c, sqlite)} AS "{c._meta.name}"' for c in columns])
        args: list[Any] = []
        for entry in group:
            row = capture.typed(kind.table, entry["row_data"])
            args += [entry["id"], *(row.get(column._meta.name) for column in columns)]
        rows_sql = " UNION ALL ".join(f"SELECT {one_row}" for _ in group)
        where = " AND ".join(condition for condition, _ in extra)
        condition_args = [arg for _, arguments in extra for arg in arguments]
        seen = await fetch(f"SELECT trash_entry_id FROM ({rows_sql}) AS stored WHERE {where}", *args, *condition_args)
        hidden |= {entry["id"] for entry in group} - {row["trash_entry_id"] for row in seen}
    return hidden


async def list_entries(
    principal: Principal, kind: str | None = None, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """What ``principal`` may see in the trash, newest first, one keyset page: the ownership
    rule on the owner the record had, then the plugins' conditions over the stored rows (a
    query per kind that has any) and their vetoes (judged in process)."""
    limit = check_limit(limit)
    known = _known_kinds()
    if kind is not None:
        known = [key for key in known if key == kind]
    conditions = [f"kind IN ({placeholders(known)})"] if known else ["1 = 0"]
    args: list[Any] = list(known)
    owners = await access.visible_owner_ids(principal)
    if owners is not None:
        conditions.append(f"owner IN ({placeholders(owners)})")
        args += owners
    after, after_args = keyset_condition(NEWEST_FIRST, cursor)
    if after:
        conditions.append(after)
        args += after_args
    rows = await fetch(
        f"SELECT {LISTED} FROM crm_trash WHERE {' AND '.join(conditions)} "
        f"ORDER BY {order_by(NEWEST_FIRST)} LIMIT {limit + 1}",
        *args,
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["deleted_at"], rows[-1]["id"])
    for row in rows:
        row["row_data"] = json.loads(row["row_data"]) if isinstance(row["row_data"], str) else row["row_data"]
    hidden = await _hidden_by_conditions(principal, rows)
    entries = [row for row in rows if row["id"] not in hidden and not await _vetoed(principal, row)]
    return entries, next_cursor


async def get_entry(principal: Principal, trash_id: int) -> dict[str, Any]:
    """The entry, if ``principal`` could see the record it holds; hidden ones are not found."""
    rows = await fetch("SELECT * FROM crm_trash WHERE id = {}", trash_id)
    if not rows or rows[0]["kind"] not in _known_kinds():
        raise NotFound("trash entry", trash_id)
    entry = _decoded(rows[0])
    owners = await access.visible_owner_ids(principal)
    if (owners is not None and entry["owner"] not in owners) or await _vetoed(principal, entry):
        raise NotFound("trash entry", trash_id)
    if await _hidden_by_conditions(principal, [entry]):
        raise NotFound("trash entry", trash_id)
    return entry


def page_url(entry: dict[str, Any]) -> str:
    if entry["kind"] == RELATIONSHIP:
        row = entry["row_data"]
        return f"/{'contacts' if row['source_type'] == 'contact' else 'companies'}/{row['source_id']}"
    kind = kinds.find(entry["kind"])
    return kinds.page_url(kind, entry["record_id"]) if kind else ""


# --- restoring ------------------------------------------------------------------------------


async def _check_unique(kind: RecordKind, row: dict[str, Any]) -> None:
    """409 naming the first unique column whose value another record holds now."""
    table = kinds.table_name(kind)
    for column in kind.table._meta.columns:
        name = column._meta.name
        if name == "id" or not column._meta.unique or row.get(name) is None:
            continue
        taken = await fetch(f'SELECT id FROM {table} WHERE "{name}" = {{}}', row[name])
        if taken:
            raise Conflict(
                f"cannot restore {kind.label.lower()} {row['id']}: its {name} {row[name]} now belongs to "
                f"{kind.label.lower()} {taken[0]['id']}; change that one first",
                field=name, existing_id=taken[0]["id"],
            )


async def _check_references(kind: RecordKind, row: dict[str, Any]) -> dict[str, Any]:
    """The row with a nullable reference to a row gone since emptied; 409 naming a required
    one (a deal's stage deleted since)."""
    for column in kind.table._meta.foreign_key_columns:
        name = column._meta.name
        if row.get(name) is None:
            continue
        target = column._foreign_key_meta.resolved_references._meta.tablename
        if await fetch(f"SELECT id FROM {target} WHERE id = {{}}", row[name]):
            continue
        if not column._meta.null:
            raise Conflict(f"cannot restore {kind.label.lower()} {row['id']}: its {name} {row[name]} no longer exists",
                           field=name)
        row = row | {name: None}
    return row


async def _restore_record(principal: Principal, entry: dict[str, Any]) -> int:
    kind = kinds.get(entry["kind"])
    table = kinds.table_name(kind)
    row = capture.typed(kind.table, entry["row_data"])
    await _check_unique(kind, row)
    row = await _check_references(kind, row)
    old_id = entry["record_id"]
    async with unit_of_work() as work:
        record_id = old_id
        if await fetch(f"SELECT id FROM {table} WHERE id = {{}}", old_id):
            # SQLite hands a deleted last id out again; the record comes back under a new one.
            [record_id] = await reserve_ids(table, 1)
        names = sorted(row)
        await insert_rows(table, names, [[record_id if name == "id" else row[name] for name in names]])
        restored = await pipeline.read_one(principal, kind.key, record_id, "delete")
        await capture.put_back(entry["links"], kind.key, old_id, record_id)
        if kind.tags:
            await tags.sync(kind.key, record_id, restored.get("tags") or [])
        changes = audit.diff({}, {name: restored[name] for name in kind.audited if name in restored})
        await audit.record(principal.id, kind.key, record_id, "restore", changes)
        await pipeline.reindex(kind, record_id)
        events = []
        if kind.after_restore is not None:
            write = RecordWrite(principal, kind.key, record_id, "restore", restored, None, changes)
            events = await pipeline.maybe_events(kind.after_restore(write))
        await execute("DELETE FROM crm_trash WHERE id = {}", entry["id"])
        for event in (*events, RecordRestored(actor_id=principal.id, kind=kind.key, record_id=record_id)):
            work.emit(event)
    return record_id


async def _restore_relationship(principal: Principal, entry: dict[str, Any]) -> int:
    from crm_platform.relationships import ends
    from crm_platform.relationships.tables import Relationship

    row = capture.typed(Relationship, entry["row_data"])
    source, target = (row["source_type"], row["source_id"]), (row["target_type"], row["target_id"])
    found = await ends.load([source, target])
    for end, key in (("source", source), ("target", target)):
        if key not in found:
            raise Conflict(f"cannot restore relationship {row['id']}: its {end}, {key[0]} {key[1]}, is deleted; "
                           "restore that first", field=end)
    await access.ensure(principal, "delete", source[0], found[source])
    await access.ensure(principal, "read", target[0], found[target])
    duplicate = await fetch(
        "SELECT id FROM crm_relationship WHERE type = {} AND source_type = {} AND source_id = {} "
        "AND target_type = {} AND target_id = {}",
        row["type"], *source, *target,
    )
    if duplicate:
        raise Conflict(f"cannot restore relationship {row['id']}: relationship {duplicate[0]['id']} links the same "
                       "records the same way", field="type", existing_id=duplicate[0]["id"])
    async with unit_of_work():
        record_id = row["id"]
        if await fetch("SELECT id FROM crm_relationship WHERE id = {}", record_id):
            [record_id] = await reserve_ids("crm_relationship", 1)
        names = sorted(row)
        await insert_rows("crm_relationship", names, [[record_id if n == "id" else row[n] for n in names]])
        audited = {name: row[name] for name in ("type", "source_type", "source_id", "target_type", "target_id",
                                                "role", "since", "until")}
        await audit.record(principal.id, RELATIONSHIP, record_id, "restore", audit.diff({}, audited))
        await execute("DELETE FROM crm_trash WHERE id = {}", entry["id"])
    return record_id


async def restore(principal: Principal, trash_id: int) -> dict[str, Any]:
    """Put the record back with what pointed at it; returns ``{"kind", "record_id", "url"}``.
    409 naming the field when a unique value was taken since or a record it needs is gone;
    nothing is written then."""
    entry = await get_entry(principal, trash_id)
    if entry["kind"] == RELATIONSHIP:
        record_id = await _restore_relationship(principal, entry)
    else:
        record_id = await _restore_record(principal, entry)
    restored = entry | {"record_id": record_id}
    return {"kind": entry["kind"], "record_id": record_id, "title": entry["title"], "url": page_url(restored)}


# --- purging --------------------------------------------------------------------------------


def _ensure_may_purge(principal: Principal) -> None:
    if principal.role not in ("admin", "manager"):
        raise Forbidden("only admins and managers can purge the trash; restore the record or let it expire")


async def purge(principal: Principal, trash_id: int) -> None:
    """Delete the entry for good, now (admins and managers)."""
    _ensure_may_purge(principal)
    entry = await get_entry(principal, trash_id)
    async with unit_of_work():
        await execute("DELETE FROM crm_trash WHERE id = {}", trash_id)
        await audit.record(principal.id, entry["kind"], entry["record_id"], "purge", {})


async def purge_expired() -> int:
    """Delete every entry past its keeping time; the ``core.trash_purge`` job. Returns how many."""
    async with unit_of_work():
        purged = await execute("DELETE FROM crm_trash WHERE expires <= {} RETURNING id", clock.now())
    return len(purged)
