"""Jinja filters the templates share: dates, names and audit values, always escaped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from crm_platform.regional import preferences as regional
from crm_platform.regional.choices import DEFAULT_DATE_FORMAT
from crm_platform.regional.formatting import format_amount, format_date, format_moment, format_number


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


@pass_context
def when(context: Context, value: Any) -> str:
    """A short, readable moment in the user's zone: "today 14:05", "yesterday", "3 Mar"."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    zone = context.get("zone") or dt.UTC
    moment = moment.astimezone(zone)
    now = dt.datetime.now(zone)
    days = (now.date() - moment.date()).days
    if days == 0:
        return f"today {moment:%H:%M}"
    if days == 1:
        return "yesterday"
    if days == -1:
        return f"tomorrow {moment:%H:%M}"
    preferences = context.get("regional") or regional.current()
    if preferences.date_format != DEFAULT_DATE_FORMAT:
        return format_date(moment.date(), preferences)
    if moment.year == now.year:
        return f"{moment.day} {moment:%b}"
    return f"{moment.day} {moment:%b %Y}"


@pass_context
def moment(context: Context, value: Any) -> str:
    """A date and time in the user's zone and date format: "05/03/2026 14:05"."""
    parsed = _as_datetime(value)
    if parsed is None:
        return ""
    return format_moment(parsed.astimezone(context.get("zone") or dt.UTC), context.get("regional") or regional.current())


@pass_context
def time_of_day(context: Context, value: Any) -> str:
    """The time of day in the user's zone: "14:05"."""
    parsed = _as_datetime(value)
    return parsed.astimezone(context.get("zone") or dt.UTC).strftime("%H:%M") if parsed else ""


@pass_context
def day(context: Context, value: Any) -> str:
    """A date (a ``date``, or a moment taken in the user's zone) in the user's date format."""
    if isinstance(value, str) and len(value) == 10:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime) or isinstance(value, str):
        parsed = _as_datetime(value)
        if parsed is None:
            return ""
        value = parsed.astimezone(context.get("zone") or dt.UTC).date()
    if not isinstance(value, dt.date):
        return ""
    return format_date(value, context.get("regional") or regional.current())


@pass_context
def amount(context: Context, value: Any, currency: str | None = None) -> str:
    """A number, or an amount of ``currency``, in the user's number format."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    preferences = context.get("regional") or regional.current()
    return format_amount(number, currency, preferences) if currency else format_number(number, preferences)


def iso(value: Any) -> str:
    moment = _as_datetime(value)
    return moment.isoformat() if moment else ""


@pass_context
def local_input(context: Context, value: Any) -> str:
    """The value of a ``datetime-local`` input, in the user's zone."""
    moment = _as_datetime(value)
    if moment is not None:
        moment = moment.astimezone(context.get("zone") or dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M") if moment else ""


def initials(name: Any) -> str:
    words = [word for word in str(name or "").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "?"


def audit_value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(audit_value(item.get("address") or item.get("number") if isinstance(item, dict) else item)
                         for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {audit_value(item)}" for key, item in value.items())
    return str(value)


def humanise(key: Any) -> str:
    return str(key or "").replace("_", " ").capitalize()


def zip_pairs(values: Any) -> list[tuple[Any, str]]:
    """``["a", "b"]`` -> ``[("a", "A"), ("b", "B")]``: options whose label is the value."""
    return [(value, humanise(value)) for value in values]


def install(environment: Environment) -> None:
    environment.filters.update(
        zip_pairs=zip_pairs, when=when, iso=iso, local_input=local_input, initials=initials, audit_value=audit_value, humanise=humanise
    )
    # In the user's regional preferences (crm_platform.regional).
    environment.filters.update(moment=moment, time_of_day=time_of_day, day=day, amount=amount)
