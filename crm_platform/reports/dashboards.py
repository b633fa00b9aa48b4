"""Dashboards: pages of report widgets, per user or shared with the owner's team or everyone,
and a default per role for whoever has not made one (members: their own numbers; managers
and admins: the team's)."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal

from crm_platform import clock
from crm_platform.db.raw import execute, fetch
from crm_platform.errors import Forbidden, Invalid, NotFound
from crm_platform.reports import registry
from crm_platform.reports.tables import SHARING

MAX_WIDGETS = 24
DEFAULT_ID = "default"
_COLUMNS = "d.id, d.owner, d.title, d.shared, d.widgets, d.filters, d.created_at, d.updated_at"
MEMBER_DEFAULT = ("team_activity", "follow_up", "lifecycle_funnel", "sources")
MANAGER_DEFAULT = ("team_activity", "follow_up", "lifecycle_funnel", "customers_won_lost", "sources", "referrals",
                   "sales.forecast", "sales.win_rate")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("widgets", "filters"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


def default_for(principal: Principal) -> dict[str, Any]:
    """The dashboard of a role, for whoever has none of their own: not stored, so a new report
    of an enabled plugin joins it."""
    member = not principal.sees_everything
    keys = MEMBER_DEFAULT if member else MANAGER_DEFAULT
    widgets = [{"report": key, "params": {"per": "week"} if key == "team_activity" and member else
                {"per": "person"} if key == "team_activity" else {}}
               for key in keys if registry.find(key) is not None]
    return {"id": DEFAULT_ID, "owner": None, "title": "My numbers" if member else "The team", "shared": "private",
            "widgets": widgets, "filters": {"team": "me"} if member else {}, "editable": False}


async def visible(principal: Principal) -> list[dict[str, Any]]:
    """The dashboards ``principal`` may open: their own, and those shared with them."""
    rows = await fetch(
        f"SELECT {_COLUMNS} FROM crm_dashboard d JOIN crm_user u ON u.id = d.owner "
        "WHERE d.owner = {} OR d.shared = 'everyone' OR (d.shared = 'team' AND u.team = {}) ORDER BY d.title, d.id",
        principal.id, principal.team_id if principal.team_id is not None else -1,
    )
    return [_decode(row) | {"editable": _may_edit(principal, row)} for row in rows]


def _may_edit(principal: Principal, row: dict[str, Any]) -> bool:
    return row["owner"] == principal.id or principal.role == "admin"


async def get(principal: Principal, dashboard_id: int) -> dict[str, Any]:
    found = next((row for row in await visible(principal) if row["id"] == dashboard_id), None)
    if found is None:
        raise NotFound("dashboard", dashboard_id)
    return found


async def _editable(principal: Principal, dashboard_id: int) -> dict[str, Any]:
    dashboard = await get(principal, dashboard_id)
    if not dashboard["editable"]:
        raise Forbidden(f"dashboard {dashboard_id} is another user's: only they change it")
    return dashboard


async def clean_widgets(principal: Principal, widgets: Any) -> list[dict[str, Any]]:
    """Widgets as stored: each names an enabled report (or a built one the user sees) and only
    that report's parameters."""
    if not isinstance(widgets, list):
        raise Invalid({"widgets": "must be a list of {report, params}"})
    if len(widgets) > MAX_WIDGETS:
        raise Invalid({"widgets": f"a dashboard holds at most {MAX_WIDGETS} widgets"})
    cleaned = []
    for index, widget in enumerate(widgets):
        key = widget.get("report") if isinstance(widget, dict) else None
        try:
            report = await registry.resolve(principal, key) if isinstance(key, str) else None
        except NotFound:
            report = None
        if report is None:
            raise Invalid({f"widgets.{index}.report": f"no report {key!r}; GET /api/v1/reports lists them"})
        params = widget.get("params") or {}
        if not isinstance(params, dict):
            raise Invalid({f"widgets.{index}.params": "must be an object of parameter values"})
        own = {parameter.key for parameter in report.parameters}
        cleaned.append({"report": report.key, "params": {k: str(v)[:200] for k, v in params.items() if k in own}})
    return cleaned


def clean_filters(filters: Any) -> dict[str, str]:
    if not isinstance(filters, dict):
        raise Invalid({"filters": "must be an object with from, to and team"})
    return {key: str(filters[key])[:40] for key in ("from", "to", "team") if filters.get(key)}


def _clean(title: Any, shared: Any) -> tuple[str, str]:
    errors = {}
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        errors["title"] = "give the dashboard a title of at most 200 characters"
    if shared not in SHARING:
        errors["shared"] = f"{shared!r} is not one of {', '.join(SHARING)}"
    if errors:
        raise Invalid(errors)
    return title.strip(), shared


async def create(principal: Principal, title: Any, shared: Any = "private", widgets: Any = None,
                 filters: Any = None) -> dict[str, Any]:
    """A new dashboard; without widgets, it starts as a copy of the role's default."""
    title, shared = _clean(title, shared)
    cleaned = await clean_widgets(principal, widgets if widgets is not None else default_for(principal)["widgets"])
    now = clock.now()
    rows = await execute(
        "INSERT INTO crm_dashboard (owner, title, shared, widgets, filters, created_at, updated_at) "
        "VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
        principal.id, title, shared, json.dumps(cleaned), json.dumps(clean_filters(filters or {})), now, now,
    )
    return await get(principal, rows[0]["id"])


async def update(principal: Principal, dashboard_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change the title, the sharing, the filters or the widgets (their order is the page's)."""
    dashboard = await _editable(principal, dashboard_id)
    title, shared = _clean(changes.get("title", dashboard["title"]), changes.get("shared", dashboard["shared"]))
    widgets = await clean_widgets(principal, changes["widgets"]) if "widgets" in changes else dashboard["widgets"]
    filters = clean_filters(changes["filters"]) if "filters" in changes else dashboard["filters"]
    await execute(
        "UPDATE crm_dashboard SET title = {}, shared = {}, widgets = {}, filters = {}, updated_at = {} WHERE id = {}",
        title, shared, json.dumps(widgets), json.dumps(filters), clock.now(), dashboard_id,
    )
    return await get(principal, dashboard_id)


async def add_widget(principal: Principal, dashboard_id: int, report_key: str, params: dict[str, str]) -> None:
    dashboard = await _editable(principal, dashboard_id)
    await update(principal, dashboard_id, {"widgets": [*dashboard["widgets"], {"report": report_key, "params": params}]})


async def move_widget(principal: Principal, dashboard_id: int, index: int, step: int) -> None:
    """Move widget ``index`` one place up (``step`` -1) or down (+1)."""
    widgets = list((await _editable(principal, dashboard_id))["widgets"])
    target = index + step
    if not (0 <= index < len(widgets)) or not (0 <= target < len(widgets)):
        raise Invalid({"index": f"widget {index} cannot move {'up' if step < 0 else 'down'}"})
    widgets[index], widgets[target] = widgets[target], widgets[index]
    await update(principal, dashboard_id, {"widgets": widgets})


async def remove_widget(principal: Principal, dashboard_id: int, index: int) -> None:
    widgets = list((await _editable(principal, dashboard_id))["widgets"])
    if not 0 <= index < len(widgets):
        raise Invalid({"index": f"there is no widget {index}"})
    del widgets[index]
    await update(principal, dashboard_id, {"widgets": widgets})


async def delete(principal: Principal, dashboard_id: int) -> None:
    await _editable(principal, dashboard_id)
    await execute("DELETE FROM crm_dashboard WHERE id = {}", dashboard_id)
