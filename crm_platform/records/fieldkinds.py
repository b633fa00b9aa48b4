"""What each kind of custom field accepts, and the one form each is stored in.

Stored forms are chosen so that one SQL comparison means the same on SQLite and PostgreSQL:
numbers and money as JSON numbers, dates as ``YYYY-MM-DD``, moments as UTC
``YYYY-MM-DDTHH:MM:SSZ`` (so text order is time order), phones in E.164, emails lower-case,
record references as the record's id.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from crm_hookspecs import FieldDefinition

from crm_platform.records.addresses import EmailNotValidError, e164, normal_email

MAX_TEXT = 2000
MAX_LONG_TEXT = 20_000
MONEY_PLACES = 2
# Kinds whose stored value is a JSON number; the rest (but boolean and multi_choice) are strings.
NUMERIC_KINDS = ("number", "money", "record")
STRING_KINDS = ("text", "long_text", "email", "phone", "url", "choice", "date", "datetime")


def _string(value: Any, max_length: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    if len(value) > max_length:
        raise ValueError(f"must be at most {max_length} characters")
    return value


def _text(definition: FieldDefinition, value: Any, region: str) -> str:
    return _string(value)


def _long_text(definition: FieldDefinition, value: Any, region: str) -> str:
    return _string(value, MAX_LONG_TEXT)


def _number(definition: FieldDefinition, value: Any, region: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("must be a number")
    return value


def _money(definition: FieldDefinition, value: Any, region: str) -> int | float:
    """An amount with at most two decimal places, given as a number or a decimal string."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("must be an amount, like 1250.50")
    try:
        amount = decimal.Decimal(str(value).strip())
    except decimal.InvalidOperation:
        raise ValueError("must be an amount, like 1250.50") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -MONEY_PLACES:  # type: ignore[operator]
        raise ValueError(f"must be an amount with at most {MONEY_PLACES} decimal places, like 1250.50")
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _date(definition: FieldDefinition, value: Any, region: str) -> str:
    try:
        return dt.date.fromisoformat(_string(value)).isoformat()
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD, like 2025-03-01") from None


def stored_moment(moment: dt.datetime) -> str:
    """A moment as stored: UTC to the second, so text order is time order."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _datetime(definition: FieldDefinition, value: Any, region: str) -> str:
    """ISO 8601; a moment without an offset is read as UTC."""
    try:
        return stored_moment(dt.datetime.fromisoformat(_string(value)))
    except ValueError:
        raise ValueError("must be a date and time in ISO 8601, like 2025-03-01T09:30:00+01:00") from None


def _boolean(definition: FieldDefinition, value: Any, region: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _choice(definition: FieldDefinition, value: Any, region: str) -> str:
    if value not in definition.choices:
        raise ValueError(f"must be one of {', '.join(definition.choices)}")
    return value


def _multi_choice(definition: FieldDefinition, value: Any, region: str) -> list[str] | None:
    """Chosen values in the definition's order, each once; none chosen removes the field."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("must be a list of choices")
    unknown = [item for item in value if item not in definition.choices]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a choice; choose from {', '.join(definition.choices)}")
    return [choice for choice in definition.choices if choice in value] or None


def _email(definition: FieldDefinition, value: Any, region: str) -> str:
    try:
        return normal_email(_string(value))
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def _phone(definition: FieldDefinition, value: Any, region: str) -> str:
    return e164(_string(value, 40), region)


def _url(definition: FieldDefinition, value: Any, region: str) -> str:
    parsed = urlparse(_string(value))
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("must be an http or https address")
    return value


def _record(definition: FieldDefinition, value: Any, region: str) -> int:
    """The id of a ``definition.reference`` record, given as an id or as
    ``{"record_type": ..., "record_id": ...}``. Whether it exists is checked apart, in bulk."""
    if isinstance(value, dict):
        if value.get("record_type") != definition.reference:
            raise ValueError(f"must point to a {definition.reference}, not {value.get('record_type')!r}")
        value = value.get("record_id")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be the id of a {definition.reference}")
    return value


CHECKS: dict[str, Callable[[FieldDefinition, Any, str], Any]] = {
    "text": _text, "long_text": _long_text, "number": _number, "money": _money, "date": _date,
    "datetime": _datetime, "boolean": _boolean, "choice": _choice, "multi_choice": _multi_choice,
    "email": _email, "phone": _phone, "url": _url, "record": _record,
}


def check(definition: FieldDefinition, value: Any, region: str) -> Any:
    """``value`` in its stored form, or ``None`` when it amounts to no value; raises
    :class:`ValueError` saying what the field accepts. ``region`` reads national phone numbers."""
    return CHECKS[definition.kind](definition, value, region)


def from_text(definition: FieldDefinition, raw: str, region: str) -> Any:
    """A value typed as text (a query string, a form field) in its stored form."""
    kind = definition.kind
    if kind == "number":
        try:
            number = float(raw) if any(mark in raw for mark in ".eE") else int(raw)
        except ValueError:
            raise ValueError("must be a number") from None
        return _number(definition, number, region)
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise ValueError("must be true or false")
        return raw.lower() == "true"
    if kind == "record":
        if not raw.strip().isdecimal():
            raise ValueError(f"must be the id of a {definition.reference}")
        return _record(definition, int(raw), region)
    if kind == "multi_choice":
        return _choice(definition, raw, region)
    return check(definition, raw, region)
