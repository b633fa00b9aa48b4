"""Reports over the tickets a user may see: first-response and resolution times (median and
90th percentile, wall-clock hours), SLA attainment and satisfaction, grouped by priority,
assignee, team, category or creation month; the same figures as CSV."""

from __future__ import annotations

import statistics
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import Invalid, fetch, get_users, list_teams, visibility_sql

from crm_desk.sla.service import as_utc
from crm_desk.tickets import KIND_KEY

GROUPS = {"priority": "priority", "assignee": "owner", "team": "team_id", "category": "category", "month": "created_at"}
COLUMNS = (
    "group", "tickets", "open", "solved", "first_response_median_h", "first_response_p90_h", "resolution_median_h",
    "resolution_p90_h", "sla_attained_pct", "csat_average", "csat_responses",
)


def _hours(start: Any, end: Any) -> float | None:
    if start is None or end is None:
        return None
    return (as_utc(end) - as_utc(start)).total_seconds() / 3600


def _quantiles(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    if len(values) == 1:
        return round(values[0], 2), round(values[0], 2)
    return round(statistics.median(values), 2), round(statistics.quantiles(values, n=10)[-1], 2)


async def summary(principal: Principal, group: str) -> list[dict[str, Any]]:
    if group not in GROUPS:
        raise Invalid({"group": f"must be one of {', '.join(GROUPS)}"})
    conditions, args = await visibility_sql(principal, KIND_KEY, alias="t")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(
        f"SELECT t.id, t.{GROUPS[group]} AS grouped, t.status, t.created_at, t.first_responded_at, t.solved_at, "
        f"t.csat_score, (SELECT count(*) FROM desk_sla_flag f WHERE f.ticket = t.id AND f.flag = 'breached') AS breaches "
        f"FROM desk_ticket t {where}",
        *args,
    )
    names = await _names(group, rows)
    buckets: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = row["grouped"]
        label = str(as_utc(key).strftime("%Y-%m")) if group == "month" and key else names.get(key, str(key or "(none)"))
        buckets.setdefault(label, []).append(row)
    result = []
    for label, members in sorted(buckets.items()):
        first = [h for h in (_hours(r["created_at"], r["first_responded_at"]) for r in members) if h is not None]
        resolved = [h for h in (_hours(r["created_at"], r["solved_at"]) for r in members) if h is not None]
        scores = [r["csat_score"] for r in members if r["csat_score"] is not None]
        done = [r for r in members if r["status"] in ("solved", "closed")]
        attained = [r for r in done if not r["breaches"]]
        result.append(dict(zip(COLUMNS, (
            label, len(members), len(members) - len(done), len(done), *_quantiles(first), *_quantiles(resolved),
            round(100 * len(attained) / len(done), 1) if done else None,
            round(statistics.mean(scores), 2) if scores else None, len(scores),
        ), strict=True)))
    return result


async def _names(group: str, rows: list[dict[str, Any]]) -> dict[Any, str]:
    if group == "assignee":
        users = await get_users([row["grouped"] for row in rows if row["grouped"] is not None])
        return {user_id: user["display_name"] for user_id, user in users.items()}
    if group == "team":
        return {team["id"]: team["name"] for team in await list_teams()}
    return {}
