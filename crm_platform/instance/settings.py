"""Plugin settings: what each plugin (and the core, under ``core``) declared with
``crm_settings``, the values admins chose for this instance, and the checks a new value must
pass before it is stored.

Values live in ``crm_setting`` under the plugin's slug, as JSON text. Every read goes to the
database, so a change made by one process (the CLI, another web worker) is seen by all.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from crm_hookspecs import Setting
from email_validator import EmailNotValidError, validate_email

from crm_platform import runtime
from crm_platform.audit import service as audit
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import CrmError, Invalid, NotFound

MAX_TEXT = 10_000
# Whole numbers past this lose digits on the way through JSON readers; a setting never needs them.
MAX_WHOLE = 2**53
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")


class UnknownSetting(NotFound, KeyError):
    """No enabled plugin declares this setting. A :class:`KeyError` for plugin code that reads
    settings, and a 404 for the API."""

    def __init__(self, message: str) -> None:
        CrmError.__init__(self, message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class SettingState:
    """A declared setting and its value on this instance."""

    slug: str
    setting: Setting
    value: Any
    stored: bool  # False: nobody chose a value, ``value`` is the declared default


def _declarations(slug: str, *, include_disabled: bool) -> list[Setting]:
    host = runtime.current().host
    return [owned.item for owned in host.owned("crm_settings", include_disabled=include_disabled) if owned.slug == slug]


def declared(slug: str, key: str, *, include_disabled: bool = False) -> Setting:
    """The setting ``key`` that plugin ``slug`` declares; :class:`UnknownSetting` otherwise."""
    host = runtime.current().host
    if slug not in host.records:
        raise UnknownSetting(f"no plugin named {slug!r} is installed (installed: {', '.join(host.loaded) or 'none'})")
    if not include_disabled and not host.is_active(slug):
        raise UnknownSetting(f"plugin {slug!r} is not enabled; enable it with `crm plugins enable {slug}`")
    settings = _declarations(slug, include_disabled=include_disabled)
    for setting in settings:
        if setting.key == key:
            return setting
    known = ", ".join(setting.key for setting in settings) or "none"
    raise UnknownSetting(f"plugin {slug!r} declares no setting {key!r} (its settings: {known})")


def decoded(raw: Any) -> Any:
    """A ``crm_setting.value`` as read with raw SQL, decoded on either engine."""
    # SQLite gives the JSON column numeric affinity: a stored number comes back as a number,
    # anything else as its JSON text. asyncpg returns JSON columns as text.
    if isinstance(raw, (str, bytes)):
        return json.loads(raw)
    return raw


async def _stored(slug: str) -> dict[str, Any]:
    rows = await fetch("SELECT key, value FROM crm_setting WHERE namespace = {}", slug)
    return {row["key"]: decoded(row["value"]) for row in rows}


async def get_setting(slug: str, key: str) -> Any:
    """The value of setting ``key`` of plugin ``slug``: the one stored for this instance, or
    else the declared default. Raises :class:`UnknownSetting` (a ``KeyError``) naming both
    when the plugin declares no such setting.

    Example::

        days = await setting("sales", "stale_after_days")
    """
    setting = declared(slug, key, include_disabled=True)
    rows = await fetch("SELECT value FROM crm_setting WHERE namespace = {} AND key = {}", slug, key)
    return decoded(rows[0]["value"]) if rows else setting.default


async def plugin_settings(slug: str) -> list[SettingState]:
    """Every setting of the enabled plugin ``slug``, in declaration order."""
    host = runtime.current().host
    if slug not in host.records or not host.is_active(slug):
        raise UnknownSetting(f"no enabled plugin is named {slug!r}")
    stored = await _stored(slug)
    return [
        SettingState(slug, setting, stored[setting.key] if setting.key in stored else setting.default,
                     setting.key in stored)
        for setting in _declarations(slug, include_disabled=False)
    ]


async def all_settings() -> list[SettingState]:
    """The settings of every enabled plugin, plugin by plugin in load order."""
    host = runtime.current().host
    slugs = list(dict.fromkeys(owned.slug for owned in host.owned("crm_settings")))
    return [state for slug in slugs for state in await plugin_settings(slug)]


def check_value(setting: Setting, value: Any) -> Any:
    """``value`` as it is stored for ``setting``; :class:`ValueError` saying what is wrong."""
    kind = setting.kind
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number, not {value!r}")
        if not math.isfinite(value) or abs(value) > MAX_WHOLE:
            raise ValueError(f"must be a number between -{MAX_WHOLE} and {MAX_WHOLE}")
        # Both engines then read back the same thing: 14, not 14.0 on one and 14 on the other.
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {value!r}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"must be at most {MAX_TEXT} characters")
    if kind == "choice" and value not in setting.choices:
        raise ValueError(f"must be one of {', '.join(setting.choices)}, not {value!r}")
    if kind == "date":
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(f"must be a date like 2026-03-01, not {value!r}") from None
    if kind == "url":
        parsed = urlparse(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"must be an http or https address, not {value!r}")
        return value.strip()
    if kind == "email":
        try:
            return validate_email(value.strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            raise ValueError(f"must be an email address: {exc}") from None
    return value


def parse_text(setting: Setting, text: str) -> Any:
    """A value typed on the command line or in a form field, as the kind's JSON value."""
    if setting.kind == "number":
        try:
            number = float(text.strip()) if any(mark in text for mark in ".eE") else int(text.strip())
        except ValueError:
            raise ValueError(f"must be a number, not {text!r}") from None
        return number
    if setting.kind == "boolean":
        word = text.strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError(f"must be true or false, not {text!r}")
    return text


async def set_setting(slug: str, key: str, value: Any, actor_id: int | None = None) -> Any:
    """Store ``value`` for setting ``key`` of the enabled plugin ``slug`` and audit the change;
    ``None`` goes back to the declared default. Returns the value as stored.

    Raises :class:`UnknownSetting` (404) for a setting no enabled plugin declares, and
    :class:`Invalid` (422) naming ``value`` and the setting when the value does not fit its kind.

    Example::

        await set_setting("sales", "stale_after_days", 21, actor_id=principal.id)
    """
    setting = declared(slug, key)
    if value is not None:
        try:
            value = check_value(setting, value)
        except ValueError as exc:
            raise Invalid({"value": f"setting {slug}.{key} {exc}"}) from None
    async with unit_of_work():
        before = await _stored(slug)
        if value is None:
            await execute("DELETE FROM crm_setting WHERE namespace = {} AND key = {}", slug, key)
        else:
            await execute(
                "INSERT INTO crm_setting (namespace, key, value) VALUES ({}, {}, {}) "
                "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
                slug, key, json.dumps(value),
            )
        was_stored = key in before
        if was_stored != (value is not None) or (value is not None and before[key] != value):
            changes: dict[str, Any] = {
                "setting": f"{slug}.{key}",
                "value": {"from": before.get(key, setting.default), "to": setting.default if value is None else value},
            }
            if value is None:
                changes["reset"] = True
            await audit.record(actor_id, "setting", 0, "update", changes)
    return setting.default if value is None else value
