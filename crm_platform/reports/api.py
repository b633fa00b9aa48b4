"""``/api/v1/reports``: the reports there are, and each one's result as JSON or CSV."""

from __future__ import annotations

import functools
from typing import Any

import msgspec
from litestar import Request, Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from crm_platform.errors import Invalid, NotFound
from crm_platform.reports import charts, dashboards, images, registry, running, schedules
from crm_platform.users.auth import CurrentPrincipal

FORMATS = ("json", "csv", "png")


@get("/api/v1/reports", tags=["reports"])
async def list_reports(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every report of the core and the enabled plugins: its key, title, chart, measure and parameters."""
    return [registry.describe(report) for report in registry.definitions()]


@get("/api/v1/reports/{key:str}", tags=["reports"])
async def report_result(principal: CurrentPrincipal, key: FromPath[str], request: Request) -> Response:
    """Run a report over what you may see. Filters: ``from`` and ``to`` (dates), ``team`` (a
    team id or ``me``) and the report's own parameters; ``format=csv`` answers a CSV file,
    ``format=png`` the chart as a PNG picture (at twice its size)."""
    values = {name: request.query_params.get(name) for name in request.query_params}
    output = values.pop("format", None) or "json"
    if output not in FORMATS:
        raise Invalid({"format": f"{output!r} is not one of {', '.join(FORMATS)}"})
    report, query, result = await running.run_key(principal, key, values)
    if output == "csv":
        return Response(
            running.as_csv(result), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{report.key}.csv"'},
        )
    if output == "png":
        chart = charts.draw(report.chart, result, report.title)
        if chart is None:
            raise Invalid({"format": f"report {report.key!r} has no chart for these filters (a table, or nothing "
                                     "to count): export it as csv"})
        return Response(
            await images.png(chart, report.title), media_type="image/png",
            headers={"Content-Disposition": f'attachment; filename="{report.key}.png"'},
        )
    return Response(running.as_json(report, query, result, values.get("team") or ""))


class ScheduleIn(msgspec.Struct, forbid_unknown_fields=True):
    """A report to email you: ``frequency`` is daily, weekly or monthly; ``filters`` the
    team and the report's own parameters (the period is the last day, week or month)."""

    report: str
    frequency: str = "weekly"
    filters: dict[str, str] = {}


@get("/api/v1/report-schedules", tags=["reports"])
async def list_schedules(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """The reports emailed to you, with when each is next sent."""
    return await schedules.list_for(principal)


@post("/api/v1/report-schedules", tags=["reports"])
async def create_schedule(principal: CurrentPrincipal, data: JSONBody[ScheduleIn]) -> dict[str, Any]:
    """Email a report to yourself daily, weekly or monthly; 409 while the instance sends no email."""
    return await schedules.create(principal, data.report, data.frequency, data.filters)


@delete("/api/v1/report-schedules/{schedule_id:int}", tags=["reports"])
async def delete_schedule(principal: CurrentPrincipal, schedule_id: FromPath[int]) -> None:
    """Stop emailing a report."""
    await schedules.delete(principal, schedule_id)


class DashboardIn(msgspec.Struct, forbid_unknown_fields=True):
    """A dashboard: ``shared`` is private, team or everyone; ``widgets`` the ordered
    ``[{"report", "params"}]`` (the role's default without them); ``filters`` the ``from``,
    ``to`` and ``team`` applied to every widget."""

    title: str
    shared: str = "private"
    widgets: list[dict[str, Any]] | None = None
    filters: dict[str, str] = {}


class DashboardPatch(msgspec.Struct, forbid_unknown_fields=True):
    title: str | msgspec.UnsetType = msgspec.UNSET
    shared: str | msgspec.UnsetType = msgspec.UNSET
    widgets: list[dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET
    filters: dict[str, str] | msgspec.UnsetType = msgspec.UNSET


async def _with_results(principal: Any, dashboard: dict[str, Any], request: Request) -> dict[str, Any]:
    overrides = {key: request.query_params[key] for key in ("from", "to", "team") if request.query_params.get(key)}
    filters = {**dashboard["filters"], **overrides}

    async def widget_result(widget: dict[str, Any]) -> dict[str, Any] | None:
        values = {**widget["params"], **filters}
        try:
            report, query, result = await running.run_key(principal, widget["report"], values)
        except NotFound:
            return None  # its plugin is disabled (it comes back with it), or a built report is gone
        return running.as_json(report, query, result, values.get("team", ""))

    found = await running.run_each([functools.partial(widget_result, widget) for widget in dashboard["widgets"]])
    return {**dashboard, "filters": filters, "results": [result for result in found if result is not None]}


@get("/api/v1/dashboards", tags=["reports"])
async def list_dashboards(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Your role's default dashboard (id ``default``), then yours and those shared with you."""
    return [dashboards.default_for(principal), *await dashboards.visible(principal)]


@post("/api/v1/dashboards", tags=["reports"])
async def create_dashboard(principal: CurrentPrincipal, data: JSONBody[DashboardIn]) -> dict[str, Any]:
    return await dashboards.create(principal, data.title, data.shared, data.widgets, data.filters)


@get("/api/v1/dashboards/default", tags=["reports"])
async def default_dashboard(principal: CurrentPrincipal, request: Request) -> dict[str, Any]:
    """Your role's default dashboard with every widget's result; ``from``, ``to`` and ``team`` apply to all."""
    return await _with_results(principal, dashboards.default_for(principal), request)


@get("/api/v1/dashboards/{dashboard_id:int}", tags=["reports"])
async def get_dashboard(principal: CurrentPrincipal, dashboard_id: FromPath[int], request: Request) -> dict[str, Any]:
    """A dashboard with every widget's result; ``from``, ``to`` and ``team`` apply to all."""
    return await _with_results(principal, await dashboards.get(principal, dashboard_id), request)


@patch("/api/v1/dashboards/{dashboard_id:int}", tags=["reports"])
async def update_dashboard(
    principal: CurrentPrincipal, dashboard_id: FromPath[int], data: JSONBody[DashboardPatch]
) -> dict[str, Any]:
    """Change a dashboard of yours: its title, sharing, filters, or its widgets in their new order."""
    changes = {key: value for key, value in msgspec.structs.asdict(data).items() if value is not msgspec.UNSET}
    return await dashboards.update(principal, dashboard_id, changes)


@delete("/api/v1/dashboards/{dashboard_id:int}", tags=["reports"])
async def delete_dashboard(principal: CurrentPrincipal, dashboard_id: FromPath[int]) -> None:
    await dashboards.delete(principal, dashboard_id)


HANDLERS = [list_reports, report_result, list_schedules, create_schedule, delete_schedule, list_dashboards,
            create_dashboard, default_dashboard, get_dashboard, update_dashboard, delete_dashboard]
