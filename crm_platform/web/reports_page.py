"""The reports pages: every report, and one report with its filters in the query string, its
chart drawn in the page as SVG, its table and its CSV export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from crm_hookspecs import Principal, ReportDefinition
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_platform.errors import CrmError, Forbidden, Invalid
from crm_platform.records import kinds
from crm_platform.reports import builder, charts, registry, running, schedules
from crm_platform.reports import query as report_query
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.users.reads import list_teams
from crm_platform.web.rendering import render_page


async def team_choices(principal: Principal) -> list[tuple[str, str]]:
    """The people a viewer may narrow a report to: themselves, and the teams they see into."""
    teams = await list_teams()
    if not principal.sees_everything:
        teams = [team for team in teams if team["id"] == principal.team_id]
    return [("me", "Just me"), *((str(team["id"]), team["name"]) for team in teams)]


def filter_values(report: ReportDefinition, params: Mapping[str, str]) -> dict[str, str]:
    keys = (*report_query.FILTER_KEYS, *(parameter.key for parameter in report.parameters))
    return {key: str(params[key])[:200] for key in keys if params.get(key)}


async def report_view(principal: Principal, report: ReportDefinition, values: Mapping[str, str]) -> dict[str, Any]:
    """What a report's page or a dashboard widget shows: the chart, the table and the figures,
    or the errors of its filters."""
    try:
        query = await report_query.parse(principal, report, values)
    except Invalid as exc:
        return {"report": report, "errors": exc.errors, "values": dict(values)}
    result = await running.run(report, query)
    kinds = {column.key: column.kind for column in result.columns}
    return {
        "report": report, "errors": {}, "values": {**report_query.as_values(query), **dict(values)},
        "result": result, "chart": charts.draw(report.chart, result, report.title),
        "cells": [[charts.show(row.get(column.key), column.kind) for column in result.columns] for row in result.rows],
        "summary": [(key.replace("_", " ").capitalize(), charts.show(value, "percent" if isinstance(value, float)
                                                                     and 0 <= value <= 1 and kinds.get(key) != "number"
                                                                     else "number"))
                    for key, value in result.summary.items()],
    }


@get("/reports", include_in_schema=False)
async def reports_list(request: Request, principal: CurrentPrincipal) -> Response:
    reports = [registry.describe(report) for report in registry.definitions()]
    return render_page(request, "reports/list.html", reports=reports, saved=await builder.visible(principal))


async def _builder_page(request: Request, principal: Principal, values: Mapping[str, Any],
                        errors: Mapping[str, str] | None = None, editing: int | None = None) -> Response:
    kind_choices = [(kind.key, kind.plural or kind.label) for kind in kinds.active().values()]
    chosen = str(values.get("kind") or "contact")
    try:
        found = await builder.choices(chosen)
    except Invalid as exc:
        errors, found = {**(errors or {}), **exc.errors}, {"groups": {}, "values": {}}
    return render_page(request, "reports/builder.html", status_code=422 if errors else 200, kinds=kind_choices,
                       values=dict(values), kind=chosen, found=found, errors=errors or {}, measures=builder.MEASURES,
                       charts=builder.CHARTS,
                       action=f"/reports/saved/{editing}/edit" if editing is not None else "/reports/new")


@get("/reports/new", include_in_schema=False)
async def new_report(request: Request, principal: CurrentPrincipal) -> Response:
    return await _builder_page(request, principal, {key: request.query_params.get(key) for key in ("kind",)})


@post("/reports/new", include_in_schema=False)
async def create_report(request: Request, principal: CurrentPrincipal) -> Response:
    form = dict(await request.form())
    try:
        saved = await builder.create(principal, form)
    except Invalid as exc:
        return await _builder_page(request, principal, form, exc.errors)
    return Redirect(f"/reports/{saved['key']}", status_code=303)


@get("/reports/saved/{report_id:int}/edit", include_in_schema=False)
async def edit_report(request: Request, principal: CurrentPrincipal, report_id: FromPath[int]) -> Response:
    """The builder filled with a saved report; choosing another kind keeps the rest as typed."""
    saved = await builder.get(principal, report_id)
    if not saved["editable"]:
        raise Forbidden(f"report {saved['key']} is another user's: only they change it")
    values = {key: saved[key] for key in ("title", "kind", "group_by", "measure", "value", "chart", "shared")}
    if request.query_params.get("kind"):
        values["kind"] = request.query_params["kind"]
    return await _builder_page(request, principal, values, editing=report_id)


@post("/reports/saved/{report_id:int}/edit", include_in_schema=False)
async def update_report(request: Request, principal: CurrentPrincipal, report_id: FromPath[int]) -> Response:
    form = dict(await request.form())
    try:
        saved = await builder.update(principal, report_id, form)
    except Invalid as exc:
        return await _builder_page(request, principal, form, exc.errors, editing=report_id)
    return Redirect(f"/reports/{saved['key']}", status_code=303)


@post("/reports/saved/{report_id:int}/delete", include_in_schema=False)
async def delete_report(principal: CurrentPrincipal, report_id: FromPath[int]) -> Redirect:
    await builder.delete(principal, report_id)
    return Redirect("/reports", status_code=303)


@get("/reports/{key:str}", include_in_schema=False)
async def report_page(request: Request, principal: CurrentPrincipal, key: FromPath[str]) -> Response:
    report = await registry.resolve(principal, key)
    values = filter_values(report, request.query_params)
    view = await report_view(principal, report, values)
    query_string = urlencode(view["values"])
    return render_page(
        request, "reports/page.html", status_code=422 if view["errors"] else 200,
        teams=await team_choices(principal), csv_href=f"/api/v1/reports/{key}?{urlencode({**values, 'format': 'csv'})}",
        png_href=f"/api/v1/reports/{key}?{urlencode({**values, 'format': 'png'})}",
        query_string=query_string, frequencies=schedules.FREQUENCIES,
        schedules=await schedules.list_for(principal, key), **view,
    )


@post("/reports/{key:str}/schedule", include_in_schema=False)
async def schedule_report(request: Request, principal: CurrentPrincipal, key: FromPath[str]) -> Response:
    form = dict(await request.form())
    frequency = str(form.pop("frequency", ""))
    form.pop("_csrf_token", None)
    report = await registry.resolve(principal, key)
    try:
        await schedules.create(principal, key, frequency, filter_values(report, form))
    except CrmError as exc:
        values = filter_values(report, form)
        view = await report_view(principal, report, values)
        problem = "; ".join(exc.errors.values()) if isinstance(exc, Invalid) else exc.message
        return render_page(
            request, "reports/page.html", status_code=exc.status_code, teams=await team_choices(principal),
            csv_href=f"/api/v1/reports/{key}?{urlencode({**values, 'format': 'csv'})}", frequencies=schedules.FREQUENCIES,
            png_href=f"/api/v1/reports/{key}?{urlencode({**values, 'format': 'png'})}",
            schedules=await schedules.list_for(principal, key), schedule_error=problem, **view,
        )
    return Redirect(f"/reports/{key}?{urlencode(filter_values(report, form))}", status_code=303)


@post("/reports/schedules/{schedule_id:int}/delete", include_in_schema=False)
async def unschedule_report(principal: CurrentPrincipal, schedule_id: FromPath[int]) -> Redirect:
    schedule = await schedules.get(principal, schedule_id)
    await schedules.delete(principal, schedule_id)
    return Redirect(f"/reports/{schedule['report']}", status_code=303)


HANDLERS = [reports_list, new_report, create_report, edit_report, update_report, delete_report, report_page, schedule_report, unschedule_report]
