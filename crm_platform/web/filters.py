"""Jinja filters the templates share: dates, names and audit values, always escaped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context


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
    if moment.year == now.year:
        return f"{moment.day} {moment:%b}"
    return f"{moment.day} {moment:%b %Y}"


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
