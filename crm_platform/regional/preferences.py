"""The regional preferences in force for a user: their own choices over the instance's.

The instance's defaults are core settings (``crm_setting`` under ``core``), so the settings
page, the API and ``crm settings`` change them like any other. A user's own choices are
columns of ``crm_user``; an empty one means "the instance's". Signing in reads both in the
same statement as the user (``PRINCIPAL_COLUMNS``), so no page pays an extra query for them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal, Setting

from crm_platform import runtime
from crm_platform.audit import service as audit
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Forbidden, Invalid, NotFound
from crm_platform.instance.settings import decoded
from crm_platform.regional import choices

KEYS = ("phone_region", "currency", "time_zone", "date_format", "number_format", "week_start")
LABELS = {
    "phone_region": "Phone region",
    "currency": "Currency",
    "time_zone": "Time zone",
    "date_format": "Date format",
    "number_format": "Number format",
    "week_start": "First day of the week",
}
EXAMPLES = {"phone_region": "DE", "currency": "EUR", "time_zone": "Europe/Berlin"}


@dataclass(frozen=True)
class Regional:
    """The preferences in force. ``time_zone`` is empty while neither the user nor the
    instance chose one: pages then use the browser's. ``own`` names what the user chose."""

    phone_region: str
    currency: str
    time_zone: str
    date_format: str
    number_format: str
    week_start: str
    own: frozenset[str] = field(default_factory=frozenset)

    @property
    def first_weekday(self) -> int:
        """The first day of the week as ``date.weekday()`` counts (Monday is 0)."""
        return choices.WEEK_STARTS[self.week_start]

    @property
    def locale(self) -> str:
        return choices.NUMBER_FORMATS[self.number_format]


def instance_settings() -> list[Setting]:
    """The instance defaults, declared as core settings."""
    return [
        Setting("phone_region", "Phone region", default=None, kind="choice", choices=choices.phone_regions(),
                help="National numbers (without +) are read as this region's. Default: CRM_DEFAULT_REGION."),
        Setting("currency", "Currency", default=choices.DEFAULT_CURRENCY, kind="choice",
                choices=choices.currencies(), help="The currency new deals start in."),
        Setting("time_zone", "Time zone", default=None, kind="choice", choices=choices.time_zones(),
                help="Dates and times are shown in it. Default: each browser's own zone."),
        Setting("date_format", "Date format", default=choices.DEFAULT_DATE_FORMAT, kind="choice",
                choices=tuple(choices.DATE_FORMATS)),
        Setting("number_format", "Number format", default=choices.DEFAULT_NUMBER_FORMAT, kind="choice",
                choices=tuple(choices.NUMBER_FORMATS), help="How amounts are shown and typed."),
        Setting("week_start", "First day of the week", default=choices.DEFAULT_WEEK_START, kind="choice",
                choices=tuple(choices.WEEK_STARTS), help="Where the calendar's weeks start."),
    ]


def _default(key: str) -> str:
    if key == "phone_region":
        return runtime.current().settings.default_region
    return {
        "currency": choices.DEFAULT_CURRENCY, "time_zone": "", "date_format": choices.DEFAULT_DATE_FORMAT,
        "number_format": choices.DEFAULT_NUMBER_FORMAT, "week_start": choices.DEFAULT_WEEK_START,
    }[key]


def _fits(key: str, value: Any) -> bool:
    return isinstance(value, str) and value in choices.allowed(key)


# The user's choices and the instance's, for the statement that reads the signed-in user.
INSTANCE_COLUMNS = ", ".join(
    f"(SELECT s.value FROM crm_setting s WHERE s.namespace = 'core' AND s.key = '{key}') AS instance_{key}"
    for key in KEYS
)
PRINCIPAL_COLUMNS = ", ".join(f"u.{key} AS own_{key}" for key in KEYS) + ", " + INSTANCE_COLUMNS


def from_row(row: Mapping[str, Any]) -> Regional:
    """The preferences in force, from a row read with ``PRINCIPAL_COLUMNS``. A stored value no
    longer allowed (a zone renamed in a tz database update) falls back to the next one."""
    values: dict[str, str] = {}
    own: set[str] = set()
    for key in KEYS:
        mine = row.get(f"own_{key}") or ""
        raw = row.get(f"instance_{key}")
        instance = decoded(raw) if raw is not None else None
        if _fits(key, mine):
            values[key] = mine
            own.add(key)
        elif _fits(key, instance):
            values[key] = instance
        else:
            values[key] = _default(key)
    return Regional(**values, own=frozenset(own))


def defaults() -> Regional:
    """What applies where nobody is signed in and nothing was read (CLI, jobs)."""
    return from_row({})


_current: ContextVar[Regional | None] = ContextVar("crm_regional", default=None)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """Forget, after the request handled inside the block, whose preferences were in force."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


@contextlib.contextmanager
def using(regional: Regional) -> Iterator[None]:
    """Hold ``regional`` in force inside the block (a job working for a user)."""
    token = _current.set(regional)
    try:
        yield
    finally:
        _current.reset(token)


def remember(regional: Regional) -> None:
    """Make ``regional`` the preferences in force for the rest of this request or job."""
    _current.set(regional)


def current() -> Regional:
    """The preferences of the signed-in user (or of the job's user), else the defaults."""
    return _current.get() or defaults()


def phone_region() -> str:
    """The region national phone numbers are read in, for the user at work."""
    return current().phone_region


async def for_user(user_id: int | None) -> Regional:
    """The preferences in force for ``user_id`` (the instance's for ``None``), in one query."""
    if user_id is None:
        rows = await fetch(f"SELECT {INSTANCE_COLUMNS}")
        return from_row(rows[0] if rows else {})
    rows = await fetch(f"SELECT {PRINCIPAL_COLUMNS} FROM crm_user u WHERE u.id = {{}}", user_id)
    if not rows:
        raise NotFound("user", user_id)
    return from_row(rows[0])


def _checked(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise ValueError(f"must be text, not {value!r}")
    value = value.strip()
    if key == "phone_region":
        value = value.upper()
    if _fits(key, value):
        return value
    known = choices.allowed(key)
    if len(known) > 8:
        return _raise(f"{value!r} is not a {LABELS[key].lower()} this CRM knows; use one like {EXAMPLES[key]}")
    return _raise(f"must be one of {', '.join(known)}, not {value!r}")


def _raise(message: str) -> str:
    raise ValueError(message)


async def save_for_user(actor: Principal, user_id: int, changes: Mapping[str, Any]) -> Regional:
    """Store a user's own choices (an empty value or ``None`` goes back to the instance's) and
    audit them. A user changes their own; an admin anyone's. :class:`Invalid` names every
    preference that does not fit, and nothing is stored then."""
    if actor.id != user_id and actor.role != "admin":
        raise Forbidden("only admins can change another user's preferences")
    errors: dict[str, str] = {}
    checked: dict[str, str] = {}
    for key, value in changes.items():
        if key not in KEYS:
            errors[key] = f"is not a regional preference (they are: {', '.join(KEYS)})"
            continue
        try:
            checked[key] = _checked(key, value)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        raise Invalid(errors)
    async with unit_of_work():
        rows = await fetch(f"SELECT {', '.join(KEYS)} FROM crm_user WHERE id = {{}}", user_id)
        if not rows:
            raise NotFound("user", user_id)
        before = rows[0]
        moved = {key: {"from": before[key] or "", "to": value} for key, value in checked.items()
                 if (before[key] or "") != value}
        if moved:
            assignments = ", ".join(f"{key} = {{}}" for key in moved)
            await execute(f"UPDATE crm_user SET {assignments} WHERE id = {{}}",
                          *(change["to"] for change in moved.values()), user_id)
            await audit.record(actor.id, "user", user_id, "update", {"preferences": moved})
    return await for_user(user_id)
