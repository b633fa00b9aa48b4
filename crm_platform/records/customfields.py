"""Custom fields: definitions from plugins and from admins, and validation of values."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlparse

from crm_hookspecs import FieldDefinition
from email_validator import EmailNotValidError, validate_email

from crm_platform import runtime
from crm_platform.errors import Invalid
from crm_platform.records.tables import CustomField

MAX_TEXT = 2000


async def definitions(record_type: str) -> dict[str, FieldDefinition]:
    """Every custom field of ``record_type``: active plugins' and admins' (in settings)."""
    found = {
        item.key: item
        for item in runtime.current().host.items("crm_field_definitions")
        if item.record_type == record_type
    }
    for row in await CustomField.select().where(CustomField.record_type == record_type).output(load_json=True):
        found.setdefault(
            row["key"],
            FieldDefinition(
                record_type=record_type,
                key=row["key"],
                label=row["label"],
                kind=row["kind"],
                choices=tuple(row["choices"] or ()),
                required=row["required"],
                searchable=row["searchable"],
            ),
        )
    return found


def _check(definition: FieldDefinition, value: Any) -> Any:
    kind = definition.kind
    if kind in ("text", "url", "email", "choice", "date") and not isinstance(value, str):
        raise ValueError("must be a string")
    if kind == "text":
        if len(value) > MAX_TEXT:
            raise ValueError(f"must be at most {MAX_TEXT} characters")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("must be a number")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind == "choice":
        if value not in definition.choices:
            raise ValueError(f"must be one of {', '.join(definition.choices)}")
        return value
    if kind == "date":
        return dt.date.fromisoformat(value).isoformat()
    if kind == "url":
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("must be an http or https address")
        return value
    if kind == "email":
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            raise ValueError(str(exc)) from None
    raise ValueError(f"has an unknown kind {kind!r}")


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
    for key, value in values.items():
        definition = known.get(key)
        if definition is None:
            errors[f"custom.{key}"] = f"unknown custom field for {record_type}"
        elif value is None:
            merged.pop(key, None)
        else:
            try:
                merged[key] = _check(definition, value)
            except ValueError as exc:
                errors[f"custom.{key}"] = str(exc)
    for key, definition in known.items():
        if definition.required and merged.get(key) in (None, "") and f"custom.{key}" not in errors:
            errors[f"custom.{key}"] = "is required"
    if errors:
        raise Invalid(errors)
    return merged



def filter_sql(definition: FieldDefinition, raw_value: str, sqlite: bool) -> tuple[str, list[Any]]:
    """A WHERE fragment matching records whose custom field equals ``raw_value``.

    The key is a registered definition's, never user text, so it is safe to inline.
    """
    key = definition.key
    try:
        value: Any = _parse_filter_value(definition, raw_value)
    except ValueError as exc:
        raise Invalid({f"custom.{key}": str(exc)}) from None
    if sqlite:
        if isinstance(value, bool):
            value = int(value)
        return f"json_extract(custom, '$.{key}') = {{}}", [value]
    if definition.kind == "number":
        return f"(custom->>'{key}')::numeric = {{}}", [value]
    return f"custom->>'{key}' = {{}}", [str(value).lower() if isinstance(value, bool) else value]


def _parse_filter_value(definition: FieldDefinition, raw: str) -> Any:
    if definition.kind == "number":
        try:
            return int(raw)
        except ValueError:
            try:
                return float(raw)
            except ValueError:
                raise ValueError("must be a number") from None
    if definition.kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise ValueError("must be true or false")
        return raw.lower() == "true"
    return _check(definition, raw)


async def filters_sql(record_type: str, pairs: list[str], sqlite: bool) -> tuple[list[str], list[Any]]:
    """WHERE fragments for ``key:value`` pairs from a query string."""
    if not pairs:
        return [], []
    known = await definitions(record_type)
    conditions: list[str] = []
    args: list[Any] = []
    for pair in pairs:
        key, sep, value = pair.partition(":")
        if not sep:
            raise Invalid({"custom": f"{pair!r} must be written key:value"})
        definition = known.get(key)
        if definition is None:
            raise Invalid({f"custom.{key}": f"unknown custom field for {record_type}"})
        condition, condition_args = filter_sql(definition, value, sqlite)
        conditions.append(condition)
        args += condition_args
    return conditions, args
