"""Custom fields: definitions from plugins and from admins, validation of values, list
filters and search terms.

What each kind accepts is in :mod:`~crm_platform.records.fieldkinds`, the filters' SQL in
:mod:`~crm_platform.records.fieldfilters`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from crm_hookspecs import FieldDefinition, Principal

from crm_platform import runtime
from crm_platform.db.raw import fetch, placeholders
from crm_platform.errors import Invalid
from crm_platform.records import access, fieldfilters, fieldkinds, kinds
from crm_platform.records.tables import CustomField
from crm_platform.records.text import text_problem
from crm_platform.regional import preferences as regional

MAX_TEXT = fieldkinds.MAX_TEXT

log = logging.getLogger(__name__)


def admin_definition(row: Mapping[str, Any]) -> FieldDefinition:
    """The definition of a ``crm_custom_field`` row; a record field keeps its reference as its
    only choice."""
    kind = row["kind"]
    choices = tuple(row["choices"] or ())
    return FieldDefinition(
        record_type=row["record_type"], key=row["key"], label=row["label"], kind=kind,
        choices=() if kind == "record" else choices, required=row["required"], searchable=row["searchable"],
        reference=choices[0] if kind == "record" and choices else "",
    )


async def definitions(record_type: str) -> dict[str, FieldDefinition]:
    """Every custom field of ``record_type``: active plugins' and admins' (in settings)."""
    found = {
        item.key: item
        for item in runtime.current().host.items("crm_field_definitions")
        if item.record_type == record_type
    }
    rows = await CustomField.select().where(CustomField.record_type == record_type).order_by(CustomField.id).output(
        load_json=True
    )
    for row in rows:
        if row["key"] in found:
            continue
        try:
            found[row["key"]] = admin_definition(row)
        except ValueError as exc:  # a row written before keys and kinds were checked
            log.warning("custom field %s ignored: %s", row["id"], exc)
    return found


def _region() -> str:
    return regional.phone_region()


async def _missing_references(
    known: Mapping[str, FieldDefinition], values: Mapping[str, Any]
) -> dict[str, str]:
    """``custom.<key>`` errors for record fields pointing at records that do not exist,
    one query per record kind pointed to."""
    wanted: dict[str, dict[str, int]] = {}
    for key, value in values.items():
        definition = known.get(key)
        if definition is not None and definition.kind == "record" and value is not None:
            wanted.setdefault(definition.reference, {})[key] = value
    errors: dict[str, str] = {}
    for reference, ids_by_key in wanted.items():
        kind = kinds.find(reference)
        if kind is None:
            errors |= {f"custom.{key}": f"records of kind {reference!r} cannot be pointed to" for key in ids_by_key}
            continue
        table = kinds.table_name(kind)
        ids = sorted(set(ids_by_key.values()))
        found = {row["id"] for row in await fetch(f"SELECT id FROM {table} WHERE id IN ({placeholders(ids)})", *ids)}
        errors |= {
            f"custom.{key}": f"{reference} {record_id} does not exist"
            for key, record_id in ids_by_key.items() if record_id not in found
        }
    return errors


async def validate(
    record_type: str,
    values: dict[str, Any],
    existing: dict[str, Any] | None = None,
    known: dict[str, FieldDefinition] | None = None,
) -> dict[str, Any]:
    """Merge ``values`` into ``existing``; a ``None`` value removes the field.

    Raises :class:`Invalid` naming every unknown or wrong field, and every required field
    left empty.
    """
    if known is None:
        known = await definitions(record_type)
    merged = dict(existing or {})
    errors: dict[str, str] = {}
    checked: dict[str, Any] = {}
    region = _region()
    for key, value in values.items():
        definition = known.get(key)
        if definition is None:
            errors[f"custom.{key}"] = f"unknown custom field for {record_type}"
            continue
        if isinstance(value, str) and (problem := text_problem(value)):
            errors[f"custom.{key}"] = problem
            continue
        try:
            checked[key] = None if value is None else fieldkinds.check(definition, value, region)
        except ValueError as exc:
            errors[f"custom.{key}"] = str(exc)
    if checked:
        errors |= await _missing_references(known, checked)
    for key, value in checked.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    for key, definition in known.items():
        if definition.required and merged.get(key) in (None, "") and f"custom.{key}" not in errors:
            errors[f"custom.{key}"] = "is required"
    if errors:
        raise Invalid(errors)
    return merged


async def reference_names(
    principal: Principal, definitions: Mapping[str, FieldDefinition], custom: Mapping[str, Any] | None
) -> dict[str, str]:
    """The names of the records ``custom``'s record fields point to (of any registered kind),
    for a record page; a record ``principal`` may not see keeps its name to itself."""
    names: dict[str, str] = {}
    for key, value in (custom or {}).items():
        definition = definitions.get(key)
        kind = kinds.find(definition.reference) if definition is not None and definition.kind == "record" else None
        if kind is None or isinstance(value, bool) or not isinstance(value, int):
            continue
        rows = await fetch(
            f"SELECT id, {kind.owner_column} AS owner, {kind.title_column} AS name FROM {kinds.table_name(kind)} "
            "WHERE id = {}",
            value,
        )
        if rows and await access.can(principal, "read", definition.reference, rows[0]):
            names[key] = rows[0]["name"]
    return names


def searchable_terms(definitions: Mapping[str, FieldDefinition], custom: Mapping[str, Any] | None) -> list[str]:
    """The values of ``custom`` that global search should match its record by: those of the
    fields marked ``searchable`` (booleans and record ids say nothing worth finding)."""
    terms: list[str] = []
    for key, value in (custom or {}).items():
        definition = definitions.get(key)
        if definition is None or not definition.searchable or value is None:
            continue
        if definition.kind in ("boolean", "record"):
            continue
        if definition.kind == "multi_choice" and isinstance(value, list):
            terms += [str(item) for item in value]
        elif definition.kind == "phone":
            terms.append(str(value).lstrip("+"))
        else:
            terms.append(str(value))
    return [term for term in terms if term]


def split_filters(text: str) -> list[str]:
    """Several filters written in one text field, comma-separated (see :mod:`fieldfilters`)."""
    return fieldfilters.split_filters(text)


def parse_filter(known: Mapping[str, FieldDefinition], record_type: str, pair: str) -> fieldfilters.Filter:
    """One ``key:value`` or ``key:operator:value`` filter; raises :class:`Invalid` naming
    ``custom.<key>``."""
    key, sep, rest = pair.partition(":")
    if not sep:
        raise Invalid({"custom": f"{pair!r} must be written key:value or key:operator:value"})
    definition = known.get(key)
    if definition is None:
        raise Invalid({f"custom.{key}": f"unknown custom field for {record_type}"})
    if not definition.filterable:
        raise Invalid({f"custom.{key}": "cannot be filtered on: its values are not to be found by trying"})
    operator, raw = fieldfilters.split_operator(rest)
    try:
        return fieldfilters.parse(definition, operator, raw, _region())
    except ValueError as exc:
        raise Invalid({f"custom.{key}": str(exc)}) from None


async def filters_sql(record_type: str, pairs: list[str], sqlite: bool) -> tuple[list[str], list[Any]]:
    """WHERE fragments for ``key:value`` and ``key:operator:value`` filters from a query string.

    Operators: ``eq`` (the default), ``not``, ``lt``, ``gt``, ``between`` (``LOW,HIGH``,
    inclusive), ``in`` (comma-separated), ``contains``, ``empty`` and ``not_empty``.
    """
    if not pairs:
        return [], []
    known = await definitions(record_type)
    conditions: list[str] = []
    args: list[Any] = []
    errors: dict[str, str] = {}
    for pair in pairs:
        try:
            condition, condition_args = fieldfilters.to_sql(parse_filter(known, record_type, pair), sqlite)
        except Invalid as exc:
            errors.update(exc.errors)
            continue
        conditions.append(condition)
        args += condition_args
    if errors:
        raise Invalid(errors)
    return conditions, args
