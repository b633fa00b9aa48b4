"""Reading HTML forms: plain strings in, field errors out, the input kept for redisplay."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from crm_hookspecs import FieldDefinition
from litestar import Request

from crm_platform.errors import Invalid
from crm_platform.records.customfields import definitions
from crm_platform.web.rendering import zone_of


async def form_data(request: Request) -> dict[str, Any]:
    """Single values as strings; fields sent several times (checkboxes) as lists."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        if key == "_csrf_token":
            continue
        items = form.getall(key)
        values[key] = items if len(items) > 1 or key.endswith("[]") else items[0]
    return {key.removesuffix("[]"): value for key, value in values.items()}


def text(values: dict[str, Any], key: str, max_length: int = 2000) -> str:
    value = values.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()[:max_length]


def listed(values: dict[str, Any], key: str) -> list[str]:
    value = values.get(key, [])
    if isinstance(value, str):
        return [value] if value else []
    return [str(item) for item in value if str(item)]


def optional_int(values: dict[str, Any], key: str, errors: dict[str, str]) -> int | None:
    raw = text(values, key)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        errors[key] = "must be a whole number"
        return None


def optional_datetime(
    values: dict[str, Any], key: str, errors: dict[str, str], zone: dt.tzinfo = dt.UTC
) -> dt.datetime | None:
    """A ``datetime-local`` value, read in the user's time zone (the browser sends none)."""
    raw = text(values, key)
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        errors[key] = "must be a date and time, like 2025-03-01T09:30"
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(dt.UTC)


def custom_values(
    values: dict[str, Any], definitions: Iterable[FieldDefinition], errors: dict[str, str], zone: dt.tzinfo = dt.UTC
) -> dict[str, Any]:
    """The ``custom.<key>`` inputs of a form as the API's ``custom`` object: an empty input
    removes the value, an unticked box is false, a ``datetime-local`` is read in ``zone``.
    An input the form cannot read (a number that is not one) goes into ``errors`` and is left
    out, so its stored value stays."""
    custom: dict[str, Any] = {}
    for definition in definitions:
        key, name = definition.key, f"custom.{definition.key}"
        if definition.kind == "boolean":
            custom[key] = text(values, name) == "on"
            continue
        if definition.kind == "multi_choice":
            custom[key] = listed(values, name) or None
            continue
        raw = text(values, name, 20_000 if definition.kind == "long_text" else 2000)
        if not raw:
            custom[key] = None
        elif definition.kind == "number":
            try:
                custom[key] = float(raw) if any(mark in raw for mark in ".eE") else int(raw)
            except ValueError:
                errors[name] = "must be a number"
        elif definition.kind == "record":
            if raw.isdecimal():
                custom[key] = int(raw)
            else:
                errors[name] = f"must be the id of a {definition.reference}"
        elif definition.kind == "datetime":
            moment = optional_datetime(values, name, errors, zone)
            if moment is not None:
                custom[key] = moment.isoformat()
        else:
            custom[key] = raw
    return custom


async def custom_inputs(request: Request, record_type: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The posted ``custom.<key>`` inputs (as the ``custom_input`` macro writes them) of every
    custom field of ``record_type``, as the record's ``custom`` values, and the inputs that
    could not be read, by input name. Read in the user's time zone."""
    errors: dict[str, str] = {}
    found = (await definitions(record_type)).values()
    return custom_values(await form_data(request), found, errors, zone_of(request)), errors


def field_errors(exc: Invalid, renames: dict[str, str] | None = None) -> dict[str, str]:
    """Service errors keyed by the form's field names (``emails[0].address`` -> ``email``)."""
    renames = renames or {}
    errors: dict[str, str] = {}
    for key, message in exc.errors.items():
        name = key
        for prefix, field in renames.items():
            if key == prefix or key.startswith((prefix + "[", prefix + ".")):
                name = field
                break
        errors.setdefault(name, message)
    return errors


def to_struct(values: dict[str, Any], struct_type: type[Any]) -> Any:
    """Decode form values into an API struct, so a page validates exactly as the API does."""
    import msgspec

    try:
        return msgspec.convert(values, struct_type)
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = "form"
        if " - at `$." in message:
            message, _, path = message.partition(" - at `$.")
            field = path.rstrip("`").split("[")[0].split(".")[0]
        raise Invalid({field: message.rstrip(".")}) from None
