"""What each row of a batch would do: create, update, skip (with the reason) or error (with
the field and what was wrong). The dry run stores this; the commit computes it again for each
batch just before writing it, so it acts on the database as it is then.

A batch costs a constant number of queries whatever its size: one to find the records its
rows match, one to read those the user may change, one for emails already taken, and two
for a company column (``companies``).

The run's ``mode`` says which rows it writes (``create_and_update``, ``create_only``,
``update_only``; a row the mode leaves out is a skip saying why) and its ``update_mode``
how an update treats a field already filled (``overwrite`` it, or ``fill_empty`` fields only).
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
from crm_platform.imports import companies
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
    mode: str = "create_and_update"
    update_mode: str = "overwrite"
    run_id: int = 0
    companies: companies.Companies = field(default_factory=companies.Companies)


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
    # The company the row's contact works at (a key of ``companies``), its role there, and
    # whether the link is new.
    company_key: str = ""
    role: str = ""
    new_link: bool = False


def reason_for(errors: dict[str, str]) -> str:
    return "; ".join(f"{name}: {message}" for name, message in sorted(errors.items()))


def jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _mapped(context: Context, row: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, str], str]:
    """The row's values by column, its custom values, the fields whose text is wrong, and
    the company the row names."""
    values: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    errors: dict[str, str] = {}
    company = ""
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
        if spec.links_company:
            company = value
        elif spec.is_custom:
            custom[spec.column] = value
        elif spec.is_list:
            values.setdefault(spec.column, []).append(
                {spec.item_key: value, "label": "mobile" if name == "mobile" else "work"} if spec.item_key else value
            )
        elif spec.column == owner_column:
            owner = context.users.get(value.lower()) if not value.isdecimal() else int(value)
            if owner is None:
                errors[name] = f"no user has the email {value!r} (column {column!r})"
            else:
                values[spec.column] = owner
        else:
            values[spec.column] = value
    return values, custom, errors, company


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


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _with_changes(existing: dict[str, Any], values: dict[str, Any], fill_empty: bool = False) -> dict[str, Any]:
    """An update's changes: list columns gain the row's items they lack, other fields take
    the row's non-blank values (a blank cell leaves a field as it is). Values the record has
    already are left out, so an unchanged row costs no validation. With ``fill_empty``, a
    field the record has filled (a list with any item) is left as it is."""
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if fill_empty and not _is_empty(existing.get(name)):
            continue
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
    cells: dict[int, str] = {}
    for row_number, row in batch:
        values, custom, errors, company = _mapped(context, row)
        key = _match_value(context, row, values, match_column) if context.match_key else ""
        external = (row.get(external_column) or "").strip() if external_column else ""
        prepared.append((row_number, values, custom, errors, key, key or external, external))
        if company and not errors:
            cells[row_number] = company
    keys = sorted({key for *_, key, _, _ in prepared if key})
    matches = await _matches(context, keys)
    matched_ids = sorted({record_id for ids in matches.values() for record_id in ids})
    writable = await pipeline.read_many(context.principal, kind.key, matched_ids, "write")
    links: set[tuple[int, int]] = set()
    if cells:
        await companies.resolve(context.principal, context.companies, list(cells.values()))
        links = await companies.linked(sorted(writable))
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
        if row_number in cells:
            planned.company_key = "{}:{}".format(*companies.key_of(cells[row_number]))
            planned.role = str(values.get("job_title") or "")
        if errors:
            planned.reason = reason_for(errors)
            continue
        if not values and not custom and not planned.company_key:
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
        if ids and context.mode == "create_only":
            planned.outcome, planned.reason = "skip", f"a {kind.label.lower()} has this {context.match_key} already; the import creates only"
            continue
        if not ids and context.mode == "update_only":
            planned.outcome = "skip"
            planned.reason = (f"no {kind.label.lower()} has this {context.match_key}; the import updates only" if key
                              else f"no {context.match_key or 'value'} to match by; the import updates only")
            continue
        if ids:
            company_id = context.companies.ids.get(planned.company_key) if planned.company_key else None
            planned.new_link = bool(planned.company_key) and (ids[0], company_id) not in links
            await _plan_update(context, planned, writable[ids[0]], values, custom)
        else:
            planned.new_link = bool(planned.company_key)
            await _plan_create(context, planned, values, custom)
        _describe_company(context, planned)
    if kind.key == "contact":
        await _check_emails_free(results)
    return results


def _describe_company(context: Context, planned: Planned) -> None:
    """Say in the row's reason which company it links to, and remember a new one's key
    for the dry run's count of companies to create."""
    if planned.outcome not in ("create", "update") or not planned.new_link:
        return
    key = planned.company_key
    name = context.companies.names.get(key) or key.split(":", 1)[1]
    if context.companies.ids.get(key) is None:
        context.companies.linked_new.add(key)
        note = f"works at {name} (a new company)"
    else:
        note = f"works at {name}"
    planned.reason = f"{planned.reason}; {note}" if planned.reason else note


async def _plan_update(context: Context, planned: Planned, existing: dict[str, Any], values: dict[str, Any],
                       custom: dict[str, Any]) -> None:
    fill_empty = context.update_mode == "fill_empty"
    changes = _with_changes(existing, values, fill_empty)
    planned.record_id, planned.existing = existing["id"], existing
    stored_custom = existing.get("custom") or {}
    custom = {key: value for key, value in custom.items() if jsonable(stored_custom.get(key)) != jsonable(value)
              and not (fill_empty and not _is_empty(stored_custom.get(key)))}
    how = "fills empty fields only" if fill_empty else "overwrites"
    if not changes and not custom:
        _only_a_link(planned, "no empty fields to fill" if fill_empty and (values or custom) else "no changes")
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
        _only_a_link(planned, "no changes")
        return
    planned.outcome, planned.reason = "update", how
    planned.values = {**changes, **({"custom": custom} if custom else {})}
    planned.primary_email = validated.get("primary_email")


def _only_a_link(planned: Planned, reason: str) -> None:
    """A matched row that changes no field: a skip, unless it links the contact to a company."""
    if planned.new_link:
        planned.outcome, planned.values = "update", {}
    else:
        planned.outcome, planned.reason = "skip", reason


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
