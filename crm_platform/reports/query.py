"""A report's filters, read from a query string or a saved widget: the period, the people
and the report's own parameters, each checked so a bad one is refused naming it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from crm_hookspecs import Principal, ReportDefinition, ReportQuery

from crm_platform import clock
from crm_platform.errors import Invalid
from crm_platform.users.reads import list_teams

DEFAULT_DAYS = 90
# A year and a bit: what a dashboard or an email may span without asking much of the database.
MAX_DAYS = 3 * 366
FILTER_KEYS = ("from", "to", "team")


def _date(errors: dict[str, str], key: str, value: str | None, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        errors[key] = f"{value!r} is not a date; write it as YYYY-MM-DD"
        return default


async def _owner_ids(principal: Principal, team: str, errors: dict[str, str]) -> tuple[int, ...] | None:
    if not team:
        return None
    if team == "me":
        return (principal.id,)
    if not team.isdecimal() or len(team) > 9:
        errors["team"] = f"{team!r} is neither a team id nor 'me'"
        return None
    found = next((t for t in await list_teams() if t["id"] == int(team)), None)
    if found is None:
        errors["team"] = f"no team {team}"
        return None
    return tuple(found["member_ids"])


async def parse(principal: Principal, report: ReportDefinition, values: Mapping[str, str]) -> ReportQuery:
    """The query ``values`` (a query string's) ask of ``report``, or :class:`Invalid`."""
    errors: dict[str, str] = {}
    today = clock.now().date()
    date_to = _date(errors, "to", values.get("to"), today)
    date_from = _date(errors, "from", values.get("from"), date_to - dt.timedelta(days=DEFAULT_DAYS - 1))
    if not errors:
        if date_from > date_to:
            errors["from"] = f"the period starts ({date_from}) after it ends ({date_to})"
        elif (date_to - date_from).days > MAX_DAYS:
            errors["from"] = f"the period is longer than {MAX_DAYS} days; choose a shorter one"
    owner_ids = await _owner_ids(principal, str(values.get("team") or "").strip(), errors)
    params: dict[str, str] = {}
    for parameter in report.parameters:
        value = str(values.get(parameter.key) or parameter.default).strip()[:200]
        if parameter.kind == "number" and value and not _is_number(value):
            errors[parameter.key] = f"{value!r} is not a number (finite, below a billion)"
        elif parameter.kind == "choice" and value and value not in parameter.choices:
            errors[parameter.key] = f"{value!r} is not one of {', '.join(parameter.choices)}"
        params[parameter.key] = value
    if errors:
        raise Invalid(errors)
    return ReportQuery(principal, date_from, date_to, owner_ids, params)


def _is_number(value: str) -> bool:
    """A finite number of a sensible size: days, months, amounts."""
    try:
        number = float(value)
    except ValueError:
        return False
    return math.isfinite(number) and abs(number) < 1e9


def as_values(query: ReportQuery, team: str = "") -> dict[str, str]:
    """The query string that asks for ``query`` again."""
    return {"from": query.date_from.isoformat(), "to": query.date_to.isoformat(),
            **({"team": team} if team else {}), **{k: v for k, v in query.params.items() if v}}
