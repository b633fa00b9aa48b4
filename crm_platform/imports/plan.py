"""What each row of a batch would do: create, update, skip (with the reason) or error (with
the field and what was wrong). The dry run stores this; the commit computes it again for each
batch just before writing it, so it acts on the database as it is then.

A batch costs a constant number of queries whatever its size: one to find the records its
rows match, one to read those the user may change, one for emails already taken.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import FieldDefinition, Principal, RecordKind

from crm_platform.contacts.clean import clean_emails
from crm_platform.db.raw import fetch, placeholders
from crm_platform.errors import Invalid, Skip
from crm_platform.imports.fields import EXTERNAL_ID, ImportField
from crm_platform.records import kinds, pipeline

Row = tuple[int, dict[str, str]]


@dataclass
class Context:
    """What stays the same for every batch of one run."""

    principal: Principal
    kind: RecordKind
    fields: dict[str, ImportField]
    mapping: dict[str, str]
    match_key: str
    source: str
    users: dict[str, int]
    definitions: dict[str, FieldDefinition]
    # Match values seen so far in the file, with the row that had them first.
    seen: dict[str, int] = field(default_factory=dict)
    lookups: pipeline.Lookups = field(default_factory=pipeline.Lookups)
    defaults: dict[str, Any] | None = None
    mutable_defaults: list[str] = field(default_factory=list)
    # The mapping's (column, field name, field) but the external id's.
    mapped_fields: list[tuple[str, str, ImportField]] | None = None


@dataclass
class Planned:
    row_number: int
    outcome: str
    external_id: str = ""
    reason: str = ""
    record_id: int | None = None
    values: dict[str, Any] | None = None  # create: validated values; update: the changes to apply
    existing: dict[str, Any] | None = None
    previous: dict[str, Any] = field(default_factory=dict)
    written: dict[str, Any] = field(default_factory=dict)
    # The row's own external id (its column mapped to external_id), remembered for a re-run.
    own_external_id: str = ""
    # An update of a contact: its primary email once the update is done.
    primary_email: str | None = None


def reason_for(errors: dict[str, str]) -> str:
    return "; ".join(f"{name}: {message}" for name, message in sorted(errors.items()))


def jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _mapped(context: Context, row: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The row's values by column, its custom values, and the fields whose text is wrong."""
    values: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if context.mapped_fields is None:  # found once per run, not per row
        context.mapped_fields = [
            (column, name, context.fields[name]) for column, name in context.mapping.items() if name != EXTERNAL_ID
        ]
    owner_column = context.kind.owner_column
    for column, name, spec in context.mapped_fields:
        text = (row.get(column) or "").strip()
        if not text:
            continue
        try:
            value = spec.convert(text)
        except ValueError as exc:
            errors[name] = f"{exc} (column {column!r})"
            continue
        if spec.is_custom:
            custom[spec.column] = value
        elif spec.is_list:
            values.setdefault(spec.column, []).append(
                {spec.item_key: value, "label": "mobile" if name == "mobile" else "work"} if spec.item_key else value
            )
        elif spec.column == owner_column:
            owner = context.users.get(value.lower()) if not value.isdigit() else int(value)
            if owner is None:
                errors[name] = f"no user has the email {value!r} (column {column!r})"
            else:
                values[spec.column] = owner
        else:
            values[spec.column] = value
    return values, custom, errors


def _column_of(context: Context, name: str) -> str | None:
    """The file's column mapped to field ``name``, if one is."""
    return next((column for column, field_name in context.mapping.items() if field_name == name), None)


def _match_value(context: Context, row: dict[str, str], values: dict[str, Any], column: str | None) -> str:
    text = (row.get(column) or "").strip() if column else ""
    if not text:
        return ""
    spec = context.fields[context.match_key]
    if spec.is_list and spec.column == "emails":
        return _email_key(text)
    if context.match_key == EXTERNAL_ID:
        return text
    return str(values.get(spec.column, text))


async def _matches(context: Context, keys: list[str]) -> dict[str, list[int]]:
    """The ids of the records each match value names."""
    found: dict[str, list[int]] = {}
    if not keys:
        return found
    kind = context.kind
    if context.match_key == EXTERNAL_ID:
        rows = await fetch(
            "SELECT external_id AS k, record_id AS id FROM crm_import_key WHERE record_type = {} AND source = {} "
            f"AND external_id IN ({placeholders(keys)})", kind.key, context.source, *keys,
        )
    else:
        spec = context.fields[context.match_key]
        column = "primary_email" if spec.column == "emails" else spec.column
        if column not in kinds.columns(kind):
            raise Invalid({"match": f"{context.match_key} cannot be matched on; match on a column of {kind.key}"})
        rows = await fetch(
            f"SELECT {column} AS k, id FROM {kinds.table_name(kind)} WHERE {column} IN ({placeholders(keys)})", *keys
        )
    for row in rows:
        found.setdefault(str(row["k"]), []).append(row["id"])
    return found


def _defaults(context: Context) -> dict[str, Any]:
    """The column defaults a new record starts from (the pipeline's clean expects every
    field), built once per run: a table instance costs more than validating a row. Moments
    are left out, for the write to stamp."""
    if context.defaults is None:
        kind = context.kind
        instance = kind.table()
        values = {name: getattr(instance, name) for name in kinds.columns(kind) - {"id", "created_at", "updated_at"}}
        context.defaults = {
            name: value for name, value in kinds.decode(kind, values).items() if not isinstance(value, dt.datetime)
        }
        context.mutable_defaults = [
            name for name, value in context.defaults.items() if isinstance(value, (list, dict))
        ]
    start = dict(context.defaults)
    for name in context.mutable_defaults:  # each record gets lists and objects of its own
        start[name] = start[name].copy()
    return start


def _email_key(text: str) -> str:
    # Validating an address is the dearest step of a row; an ASCII address's normal form is
    # its lower case, so only others go through the validator here.
    text = text.strip()
    if text.isascii():
        return text.lower()
    cleaned = clean_emails([{"address": text}], {})
    return cleaned[0]["address"] if cleaned else text.lower()


def _item_key(item: Any) -> str:
    """What makes two items of a list column the same: an email's lower case, a phone's
    digits (with its ``+``), a domain's lower case."""
    if isinstance(item, dict):
        text = str(item.get("address") or item.get("number") or "")
        if "number" in item:
            return ("+" if text.strip().startswith("+") else "") + "".join(filter(str.isdigit, text))
        return _email_key(text)
    return str(item).strip().lower()


def _with_changes(existing: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """An update's changes: list columns gain the row's items they lack, other fields take
    the row's non-blank values (a blank cell leaves a field as it is). Values the record has
    already are left out, so an unchanged row costs no validation."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list):
            current = list(existing.get(name) or [])
            known = {_item_key(item) for item in current}
            added = [item for item in value if _item_key(item) not in known]
            if added:
                changes[name] = current + added
        elif value != existing.get(name):
            changes[name] = value
    return changes


def _differences(existing: dict[str, Any], values: dict[str, Any], touched: set[str], custom: dict[str, Any]) -> tuple[dict, dict]:
    previous, written = {}, {}
    for name in touched:
        before, after = jsonable(existing.get(name)), jsonable(values.get(name))
        if before != after:
            previous[name], written[name] = before, after
    before_custom, after_custom = existing.get("custom") or {}, values.get("custom") or {}
    for key in custom:
        before, after = jsonable(before_custom.get(key)), jsonable(after_custom.get(key))
        if before != after:
            previous[f"custom.{key}"], written[f"custom.{key}"] = before, after
    return previous, written


async def plan_batch(context: Context, batch: list[Row]) -> list[Planned]:
    """The outcome of each row of ``batch``, in order."""
    kind = context.kind
    external_column = _column_of(context, EXTERNAL_ID)
    match_column = _column_of(context, context.match_key)
    prepared = []
    for row_number, row in batch:
        values, custom, errors = _mapped(context, row)
        key = _match_value(context, row, values, match_column) if context.match_key else ""
        external = (row.get(external_column) or "").strip() if external_column else ""
        prepared.append((row_number, values, custom, errors, key, key or external, external))
    keys = sorted({key for *_, key, _, _ in prepared if key})
    matches = await _matches(context, keys)
    matched_ids = sorted({record_id for ids in matches.values() for record_id in ids})
    writable = await pipeline.read_many(context.principal, kind.key, matched_ids, "write")
    if kind.prepare_many is not None:
        # The kind looks up once for the batch what its ``clean`` would look up for each new row.
        new = [values for _, values, _, errors, key, _, _ in prepared if not errors and not (key and matches.get(key))]
        looked_up = kind.prepare_many(context.principal, new)
        if inspect.isawaitable(looked_up):
            await looked_up
    results: list[Planned] = []
    for row_number, values, custom, errors, key, shown, external in prepared:
        planned = Planned(row_number, "error", external_id=shown[:254], own_external_id=external[:254])
        results.append(planned)
        if errors:
            planned.reason = reason_for(errors)
            continue
        if not values and not custom:
            planned.outcome, planned.reason = "skip", "every mapped cell is empty"
            continue
        if key and key in context.seen:
            planned.outcome, planned.reason = "skip", f"the same {context.match_key} as row {context.seen[key]}"
            continue
        if key:
            context.seen[key] = row_number
        ids = matches.get(key, []) if key else []
        if len(ids) > 1:
            planned.outcome, planned.reason = "skip", f"{len(ids)} {kind.plural or kind.key} have this {context.match_key}"
            continue
        if ids and ids[0] not in writable:
            planned.outcome, planned.reason = "skip", f"a {kind.label.lower()} you may not change has this {context.match_key}"
            continue
        if ids:
            await _plan_update(context, planned, writable[ids[0]], values, custom)
        else:
            await _plan_create(context, planned, values, custom)
    if kind.key == "contact":
        await _check_emails_free(results)
    return results


async def _plan_update(context: Context, planned: Planned, existing: dict[str, Any], values: dict[str, Any],
                       custom: dict[str, Any]) -> None:
    changes = _with_changes(existing, values)
    planned.record_id, planned.existing = existing["id"], existing
    stored_custom = existing.get("custom") or {}
    custom = {key: value for key, value in custom.items() if jsonable(stored_custom.get(key)) != jsonable(value)}
    if not changes and not custom:
        planned.outcome, planned.reason = "skip", "no changes"
        return
    try:
        validated = await pipeline.validate(
            context.principal, context.kind, {**existing, **changes}, existing,
            custom_changes=custom, lookups=context.lookups,
        )
    except Invalid as exc:
        planned.reason = reason_for(exc.errors)
        return
    planned.previous, planned.written = _differences(existing, validated, set(changes), custom)
    if not planned.written:
        planned.outcome, planned.reason = "skip", "no changes"
        return
    planned.outcome = "update"
    planned.values = {**changes, **({"custom": custom} if custom else {})}
    planned.primary_email = validated.get("primary_email")


async def _plan_create(context: Context, planned: Planned, values: dict[str, Any], custom: dict[str, Any]) -> None:
    kind = context.kind
    start = {**_defaults(context), kind.owner_column: context.principal.id, **values}
    if kind.custom_fields:
        start["custom"] = custom
    try:
        planned.values = await pipeline.validate(context.principal, kind, start, None, lookups=context.lookups)
    except Skip as exc:
        planned.outcome, planned.reason = "skip", exc.reason
        return
    except Invalid as exc:
        planned.reason = reason_for(exc.errors)
        return
    planned.outcome = "create"


async def _check_emails_free(results: list[Planned]) -> None:
    """A contact's primary email is unique: a create (or an update that gives a contact its
    first email) whose address another contact has, or an earlier row of the batch, is an error."""
    wanted: dict[str, list[Planned]] = {}
    for planned in results:
        if planned.outcome == "create" and planned.values:
            email = planned.values.get("primary_email")
        elif planned.outcome == "update" and planned.values and planned.existing:
            email = planned.primary_email
            email = None if email == planned.existing.get("primary_email") else email
        else:
            email = None
        if email:
            wanted.setdefault(email, []).append(planned)
    if not wanted:
        return
    emails = sorted(wanted)
    taken = {row["primary_email"] for row in await fetch(
        f"SELECT primary_email FROM crm_contact WHERE primary_email IN ({placeholders(emails)})", *emails
    )}
    for email, rows in wanted.items():
        for index, planned in enumerate(rows):
            if email in taken or index > 0:
                planned.outcome = "error"
                planned.reason = f"email: {email} is already the primary email of another contact"
                planned.values = None
