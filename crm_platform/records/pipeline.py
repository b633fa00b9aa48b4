"""The one write pipeline every record kind goes through, the core's and the plugins' alike:
validate → write → related rows (the kind's ``after_write``) → tags → audit → search index →
events after commit.

Reads apply the same visibility rule to every kind: ownership (own, team, all), the plugins'
SQL conditions (``crm_access_conditions``) and their vetoes (``crm_check_access``).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from crm_hookspecs import Event, FieldDefinition, Principal, RecordKind, RecordWrite, SearchText
from crm_hookspecs.events import RecordCreated, RecordDeleted, RecordUpdated
from piccolo.columns import Column
from piccolo.columns.defaults.base import Default
from piccolo.table import Table

from crm_platform import clock, runtime
from crm_platform.audit import service as audit
from crm_platform.db.bulk import Inserts, reserve_ids
from crm_platform.db.raw import fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Forbidden, Invalid, NotFound, Skip
from crm_platform.records import access, customfields, kinds, tags
from crm_platform.records.detach import detach
from crm_platform.records.text import name_problem, text_problem
from crm_platform.search import index as search_index
from crm_platform.trash import capture
from crm_platform.trash import store as trash
from crm_platform.users.tables import User


@dataclass
class Lookups:
    """What validating many records at once would otherwise query again for each one."""

    definitions: dict[str, FieldDefinition] | None = None
    owners: dict[int | None, str | None] = field(default_factory=dict)


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def owner_error(principal: Principal, owner_id: int | None, lookups: Lookups | None = None) -> str | None:
    """Why ``owner_id`` cannot own a record ``principal`` writes, or ``None`` if it can."""
    lookups = lookups or Lookups()
    if owner_id not in lookups.owners:
        error = None
        if owner_id is not None and not await User.exists().where(User.id == owner_id):
            error = f"user {owner_id} does not exist"
        else:
            try:
                await access.check_owner_assignable(principal, owner_id)
            except Invalid as exc:
                error = exc.errors["owner_id"]
        lookups.owners[owner_id] = error
    return lookups.owners[owner_id]


def text_errors(kind: RecordKind, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, str]:
    """What is wrong with the text fields that changed: a NUL anywhere; any control
    character or line break in a name (``name``, ``title``, a ``*_name`` field); any control
    character but tabs and line breaks in the kind's other title column."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        if not isinstance(value, str) or (existing is not None and existing.get(name) == value):
            continue
        one_line = name in ("name", "title") or name.endswith("_name")
        is_title = one_line or name == kind.title_column  # an activity's subject may run over lines
        if problem := text_problem(value) or (name_problem(value, one_line) if is_title else None):
            errors[name] = problem
    return errors


async def validate(
    principal: Principal,
    kind: RecordKind,
    values: dict[str, Any],
    existing: dict[str, Any] | None,
    *,
    custom_changes: dict[str, Any] | None = None,
    lookups: Lookups | None = None,
) -> dict[str, Any]:
    """The generic checks (owner, tags, custom fields), then the kind's own ``clean``; raises
    :class:`Invalid` naming every wrong field at once."""
    lookups = lookups or Lookups()
    errors: dict[str, str] = text_errors(kind, values, existing)
    owner = values.get(kind.owner_column)
    if kind.owner_column in values and (existing is None or owner != existing.get(kind.owner_column)):
        if problem := await owner_error(principal, owner, lookups):
            errors["owner_id"] = problem
    if kind.tags:
        try:
            values["tags"] = tags.normalise(values.get("tags") or [])
        except Invalid as exc:
            errors.update(exc.errors)
    if kind.custom_fields:
        if lookups.definitions is None:
            lookups.definitions = await customfields.definitions(kind.key)
        wanted = (values.get("custom") or {}) if custom_changes is None else custom_changes
        try:
            values["custom"] = await customfields.validate(
                kind.key, wanted, existing.get("custom") if existing else None, lookups.definitions
            )
        except Invalid as exc:
            errors.update(exc.errors)
    if kind.clean is not None:
        try:
            values = await _maybe_await(kind.clean(principal, values, existing))
        except Invalid as exc:
            if isinstance(exc, Skip) and not errors:
                raise  # an import skips the row with the kind's reason
            errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    return values


# --- reads ----------------------------------------------------------------------------------


async def visibility(
    principal: Principal, key: str, action: str = "read", *, alias: str = ""
) -> tuple[list[str], list[Any]]:
    """WHERE conditions (``{}`` placeholders) keeping the records of kind ``key`` that
    ``principal`` may ``action``, for a list query on the kind's table (named ``alias``)."""
    kind = kinds.get(key)
    return await access.visibility_sql(
        principal, action, key, kinds.table_name(kind), alias=alias, owner_column=kind.owner_column
    )


async def read_many(
    principal: Principal, key: str, ids: list[int], action: str = "read"
) -> dict[int, dict[str, Any]]:
    """The records among ``ids`` that ``principal`` may ``action``, by id, in one query (the
    plugins' vetoes are asked per record, in process); missing and hidden records are left
    out alike."""
    kind = kinds.get(key)
    if not ids:
        return {}
    ids = list(dict.fromkeys(ids))
    table = kinds.table_name(kind)
    where, args = await visibility(principal, key, action)
    condition = "".join(f" AND {part}" for part in where)
    rows = await fetch(f"SELECT * FROM {table} WHERE id IN ({placeholders(ids)}){condition}", *ids, *args)
    found = {}
    for row in rows:
        _loaded(kind, row)
        if await _vetoed(principal, action, key, row):
            continue
        found[row["id"]] = row
    return found


async def visible_names(principal: Principal, refs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The names (title column) of the ``(kind, id)`` records ``principal`` may see, by the
    same rule as the records themselves, in one query per kind: what a page shows of a
    linked record. Missing and hidden records, and kinds no enabled plugin keeps, are left
    out alike."""
    by_kind: dict[str, set[int]] = {}
    for key, record_id in refs:
        by_kind.setdefault(key, set()).add(record_id)
    names: dict[tuple[str, int], str] = {}
    for key, ids in by_kind.items():
        kind = kinds.find(key)
        if kind is None:
            continue
        for record_id, row in (await read_many(principal, key, sorted(ids))).items():
            names[(key, record_id)] = str(row.get(kind.title_column) or "")
    return names


def _loaded(kind: RecordKind, row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the access checks and callers see it: JSON decoded, its owner under
    ``owner`` whatever the kind's owner column is called."""
    kinds.decode(kind, row)
    if kind.owner_column != "owner":
        row.setdefault("owner", row.get(kind.owner_column))
    return row


async def _vetoed(principal: Principal, action: str, key: str, row: dict[str, Any]) -> bool:
    vetoes = await runtime.current().host.call(
        "crm_check_access", fail_closed=True, principal=principal, action=action, record_type=key, record=row
    )
    return False in vetoes


async def read_one(principal: Principal, key: str, record_id: int, action: str = "read") -> dict[str, Any]:
    """The record, or :class:`NotFound` if it does not exist, :class:`Forbidden` if
    ``principal`` may not ``action`` it."""
    kind = kinds.get(key)
    rows = await fetch(f"SELECT * FROM {kinds.table_name(kind)} WHERE id = {{}}", record_id)
    if not rows:
        raise NotFound(kind.label.lower() if kind.label else key, record_id)
    row = _loaded(kind, rows[0])
    await access.ensure(principal, action, key, row)
    return row


# --- writes ---------------------------------------------------------------------------------


def _audited(kind: RecordKind, values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in kind.audited if name in values}


def _stored(kind: RecordKind, values: dict[str, Any]) -> dict[str, Any]:
    """The values that are columns of the kind's table, JSON columns serialised."""
    names = kinds.columns(kind) - {"id"}
    encoded = set(kinds.json_columns(kind))
    return {
        name: json.dumps(value, default=str) if name in encoded else value
        for name, value in values.items()
        if name in names
    }


def search_entry(
    kind: RecordKind, row: dict[str, Any], definitions: dict[str, FieldDefinition] | None = None
) -> search_index.Entry | None:
    """The record's entry in global search, or ``None`` for a kind that is not searched; with
    ``definitions``, the values of its searchable custom fields are words of the entry too."""
    if not kind.searched:
        return None
    if kind.search is not None:
        text = kind.search(row)
    else:
        text = SearchText(
            title=str(row.get(kind.title_column) or ""),
            subtitle=str(row.get(kind.subtitle_column) or "") if kind.subtitle_column else "",
            terms=tuple(str(row.get(name) or "") for name in kind.search_columns),
        )
    if text is None:
        return None
    terms = text.terms
    if kind.custom_fields and definitions:
        terms = (*terms, *customfields.searchable_terms(definitions, row.get("custom")))
    return search_index.Entry(kind.key, row["id"], text.title, text.subtitle, terms, row.get(kind.owner_column))


async def reindex(kind: RecordKind, record_id: int, lookups: Lookups | None = None) -> None:
    """Write the record's search entry from its stored row; inside the writing transaction."""
    lookups = lookups or Lookups()
    if not kind.searched:
        return
    # Inside the transaction this read sees the transaction's own writes.
    rows = await fetch(f"SELECT * FROM {kinds.table_name(kind)} WHERE id = {{}}", record_id)
    if kind.custom_fields and lookups.definitions is None:
        lookups.definitions = await customfields.definitions(kind.key)
    entry = search_entry(kind, kinds.decode(kind, rows[0]), lookups.definitions)
    if entry is not None:
        await search_index.upsert([entry])


async def _after_write(kind: RecordKind, write: RecordWrite) -> list[Event]:
    if kind.after_write is None:
        return []
    return await maybe_events(kind.after_write(write))


async def maybe_events(returned: Any) -> list[Event]:
    """The events a kind's callback returned (awaited if it is a coroutine's)."""
    events = await _maybe_await(returned)
    return [event for event in events or () if isinstance(event, Event)]


async def create(
    principal: Principal, key: str, values: dict[str, Any], *, validated: Lookups | None = None
) -> int:
    """Validate and write a new record of kind ``key``; returns its id. ``values`` without an
    owner are owned by ``principal``. A caller that has run :func:`validate` itself passes
    the lookups it used as ``validated``."""
    kind = kinds.get(key)
    values = dict(values)
    values.setdefault(kind.owner_column, principal.id)
    lookups = validated or Lookups()
    if validated is None:
        values = await validate(principal, kind, values, None, lookups=lookups)
    now = clock.now()
    columns = kinds.columns(kind)
    for stamp in ("created_at", "updated_at"):
        if stamp in columns:
            values.setdefault(stamp, now)
    async with unit_of_work() as work:
        inserted = await kind.table.insert(kind.table(**_stored(kind, values)))
        record_id = inserted[0]["id"]
        changes = audit.diff({}, _audited(kind, values))
        write = RecordWrite(principal, key, record_id, "create", values, None, changes)
        events = await _after_write(kind, write)
        if kind.tags:
            await tags.sync(key, record_id, values["tags"])
        await audit.record(principal.id, key, record_id, "create", changes)
        await reindex(kind, record_id, lookups)
        for event in (*events, RecordCreated(actor_id=principal.id, kind=key, record_id=record_id)):
            work.emit(event)
    return record_id


async def create_many(
    principal: Principal, key: str, items: list[dict[str, Any]], *, field_name: str = "items",
    validated: Lookups | None = None,
) -> list[int]:
    """Validate every item, then write them all in one transaction, or none: the rows, tags,
    audit entries and search entries in as few statements as the engine allows, and the
    kind's ``after_write_many`` once for the batch (else its ``after_write`` once per record).
    Errors are named ``items[3].name``. Returns the new ids in the order of ``items``. A
    caller that has validated the items itself passes the lookups it used as ``validated``."""
    kind = kinds.get(key)
    lookups = validated or Lookups()
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        values = {kind.owner_column: principal.id, **item}
        if validated is not None:
            cleaned.append(values)
            continue
        try:
            cleaned.append(await validate(principal, kind, values, None, lookups=lookups))
        except Invalid as exc:
            errors.update({f"{field_name}[{index}].{name}": message for name, message in exc.errors.items()})
    if errors:
        raise Invalid(errors)
    if not cleaned:
        return []
    now = clock.now()
    table = kinds.table_name(kind)
    columns = sorted(kinds.columns(kind) - {"id"})
    created = [audit.diff({}, _audited(kind, values)) for values in cleaned]
    async with unit_of_work() as work:
        ids = await reserve_ids(table, len(cleaned))
        inserts = Inserts()
        rows, tag_rows, audit_rows, entries = [], [], [], []
        for record_id, values, changes in zip(ids, cleaned, created, strict=True):
            stored = _stored(kind, {"created_at": now, "updated_at": now, **values})
            rows.append((record_id, *_with_defaults(kind, stored, columns)))
            if kind.tags:
                tag_rows += [(record_id, tag) for tag in values["tags"]]
            audit_rows.append((record_id, json.dumps(changes, default=str)))
            if (entry := search_entry(kind, {**values, "id": record_id}, lookups.definitions)) is not None:
                entries.append(entry)
        inserts.add(table, ("id", *columns), rows)
        inserts.add("crm_tagging", ("record_id", "tag"), tag_rows, {"record_type": key})
        await audit.add_many(
            ("record_id", "changes"), audit_rows,
            {"at": now, "actor_id": principal.id, "record_type": key, "action": "create"},
        )
        search_index.add_new(inserts, entries)
        await inserts.done()
        writes = [RecordWrite(principal, key, record_id, "create", values, None, changes)
                  for record_id, values, changes in zip(ids, cleaned, created, strict=True)]
        if kind.after_write_many is not None:
            events = await maybe_events(kind.after_write_many(writes))
        else:
            events = [event for write in writes for event in await _after_write(kind, write)]
        for event in (*events, *(RecordCreated(principal.id, kind=key, record_id=record_id) for record_id in ids)):
            work.emit(event)
    return ids


def _with_defaults(kind: RecordKind, stored: dict[str, Any], columns: list[str]) -> list[Any]:
    """The values of ``columns`` for a new row, the table's defaults where ``stored`` has
    none: what a table instance would hold, without building one for every row (a third of
    a bulk write's time)."""
    by_name = _columns_by_name(kind.table)
    if unknown := stored.keys() - by_name.keys():
        raise ValueError(f"Unrecognized columns - {sorted(unknown)}")
    row = []
    for name in columns:
        if name in stored:
            row.append(stored[name])
            continue
        column = by_name[name]
        value = column.get_default_value()
        if isinstance(value, Default):
            value = value.python()
        if value is None and not column._meta.null:
            raise ValueError(f"{name} wasn't provided")
        row.append(value)
    return row


@cache
def _columns_by_name(table: type[Table]) -> dict[str, Column]:
    return {column._meta.name: column for column in table._meta.columns}


async def update(
    principal: Principal,
    key: str,
    record_id: int,
    changes: dict[str, Any],
    *,
    existing: dict[str, Any] | None = None,
) -> bool:
    """Apply ``changes`` (the fields to change; ``custom`` merges into the stored values) to the
    record; returns whether anything changed. Pass ``existing`` when the caller has already
    read the record and checked that ``principal`` may write it."""
    kind = kinds.get(key)
    if existing is None:
        existing = await read_one(principal, key, record_id, "write")
    custom_changes = changes.get("custom") if kind.custom_fields else None
    lookups = Lookups()
    values = await validate(
        principal, kind, {**existing, **changes}, existing, custom_changes=custom_changes or {}, lookups=lookups
    )
    changed = audit.diff(_audited(kind, existing), _audited(kind, values))
    stored = changed_columns(kind, values, existing)
    if not stored and not changed:
        return False
    if "updated_at" in kinds.columns(kind):
        stored["updated_at"] = clock.now()
    async with unit_of_work() as work:
        if stored:
            await kind.table.update(stored).where(kind.table.id == record_id)
        write = RecordWrite(principal, key, record_id, "update", values, existing, changed)
        events = await _after_write(kind, write)
        if kind.tags and "tags" in changed:
            await tags.sync(key, record_id, values["tags"])
        if changed:
            await audit.record(principal.id, key, record_id, "update", changed)
            events.append(RecordUpdated(actor_id=principal.id, kind=key, record_id=record_id, changes=changed))
        await reindex(kind, record_id, lookups)
        for event in events:
            work.emit(event)
    return True


def changed_columns(kind: RecordKind, values: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """The columns of ``values`` (validated) that differ from ``existing``, as stored (JSON
    columns serialised), leaving the time stamps to the caller."""
    return {
        name: value for name, value in _stored(kind, values).items()
        if name not in ("created_at", "updated_at") and _differs(value, existing.get(name))
    }


def audited(kind: RecordKind, values: dict[str, Any]) -> dict[str, Any]:
    """The kind's audited fields among ``values``."""
    return _audited(kind, values)


async def after_write(kind: RecordKind, write: RecordWrite) -> list[Event]:
    """Run the kind's ``after_write`` for a write made outside :func:`update` (a merge)."""
    return await _after_write(kind, write)


def _differs(stored: Any, existing: Any) -> bool:
    # JSON columns are compared decoded: the stored side is serialised text.
    if isinstance(stored, str) and not isinstance(existing, str) and existing is not None:
        try:
            return json.loads(stored) != existing
        except ValueError:
            return True
    return stored != existing


async def delete(
    principal: Principal, key: str, record_id: int, *, existing: dict[str, Any] | None = None
) -> int:
    """Move the record to the trash with what points at it (relationships, timeline links,
    rows of other tables that reference it), then delete it, its tags and search entry; the
    audit log keeps its last values. Returns the trash entry's id, for a restore."""
    kind = kinds.get(key)
    if existing is None:
        existing = await read_one(principal, key, record_id, "delete")
    gone = _audited(kind, existing)
    changes = audit.diff(gone, dict.fromkeys(gone))
    table = kinds.table_name(kind)
    async with unit_of_work() as work:
        # Read before the kind's own deletes (an activity's links) and the cascades.
        [row] = await fetch(f"SELECT * FROM {table} WHERE id = {{}}", record_id)
        links = await capture.capture(key, table, record_id)
        events = await _after_write(kind, RecordWrite(principal, key, record_id, "delete", None, existing, changes))
        await detach(key, record_id)
        await kind.table.delete().where(kind.table.id == record_id)
        await audit.record(principal.id, key, record_id, "delete", changes)
        title = str(row.get(kind.title_column) or "") or f"{kind.label} {record_id}"
        trash_id = await trash.keep(principal.id, key, record_id, title=title, owner=row.get(kind.owner_column),
                                    row=row, links=links)
        for event in (*events, RecordDeleted(actor_id=principal.id, kind=key, record_id=record_id, values=gone)):
            work.emit(event)
    return trash_id


async def ensure_visible(
    principal: Principal, refs: list[tuple[str, str, int]], action: str = "read", *, conceal: bool = False
) -> None:
    """Check that each ``(field, kind, id)`` names a record ``principal`` may ``action``:
    :class:`Invalid` naming the field of each that does not exist or is of an unknown kind,
    :class:`Forbidden` for one that exists but is hidden from them. With ``conceal``, a
    hidden record is refused like a missing one (:class:`Invalid` naming its field, in the
    same words), so the answer does not tell whether it exists."""
    errors: dict[str, str] = {}
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for field_name, key, record_id in refs:
        try:
            kinds.get(key, field_name)
        except Invalid as exc:
            errors.update(exc.errors)
            continue
        by_kind.setdefault(key, []).append((field_name, record_id))
    for key, wanted in by_kind.items():
        ids = [record_id for _, record_id in wanted]
        visible = await read_many(principal, key, ids, action)
        missing = [(name, record_id) for name, record_id in wanted if record_id not in visible]
        if not missing:
            continue
        if conceal:
            verb = {"read": "see", "write": "change"}.get(action, action)
            errors.update({name: f"{key} {record_id} does not exist or you may not {verb} it"
                           for name, record_id in missing})
            continue
        table = kinds.table_name(kinds.get(key))
        absent_ids = [record_id for _, record_id in missing]
        present = {row["id"] for row in await fetch(
            f"SELECT id FROM {table} WHERE id IN ({placeholders(absent_ids)})", *absent_ids
        )}
        for name, record_id in missing:
            if record_id in present:
                raise Forbidden(f"you do not have access to {key} {record_id}")
            else:
                errors[name] = f"{key} {record_id} does not exist"
    if errors:
        raise Invalid(errors)
