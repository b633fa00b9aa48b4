"""The dashboards pages: the role's default and the saved ones, each a page of report widgets
with one date range and team applied to every widget, and forms to add, move and remove them."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_platform.errors import CrmError, Invalid
from crm_platform.reports import builder, dashboards, registry, running
from crm_platform.reports.tables import SHARING
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web.rendering import render_page
from crm_platform.web.reports_page import report_view, team_choices

FILTERS = ("from", "to", "team")


async def _page(request: Request, principal: Principal, dashboard: dict[str, Any], status_code: int = 200,
                error: str = "") -> Response:
    chosen = {key: str(request.query_params[key])[:40] for key in FILTERS if request.query_params.get(key)}
    filters = {**dashboard["filters"], **chosen}
    errors: dict[str, str] = {}

    async def widget_view(index: int, widget: dict[str, Any]) -> dict[str, Any] | None:
        try:
            report = await registry.resolve(principal, widget["report"])
        except CrmError:
            return None  # its plugin is disabled (it comes back with it), or a built report is gone
        view = await report_view(principal, report, {**widget["params"], **filters})
        return {"index": index, "chart_id": f"widget-{index}", **view}

    found = await running.run_each([functools.partial(widget_view, index, widget)
                                    for index, widget in enumerate(dashboard["widgets"])])
    widgets = [view for view in found if view is not None]
    for view in widgets:
        errors |= view["errors"]
    return render_page(
        request, "reports/dashboard.html", status_code=422 if errors and status_code == 200 else status_code,
        dashboard=dashboard, widgets=widgets, filters=filters, errors=errors, teams=await team_choices(principal),
        reports=[*registry.definitions(), *(builder.definition(saved) for saved in await builder.visible(principal))],
        sharing=SHARING, error=error, query=urlencode(chosen),
        mine=await dashboards.visible(principal),
    )


@get("/dashboards", include_in_schema=False)
async def dashboards_list(request: Request, principal: CurrentPrincipal) -> Response:
    return render_page(request, "reports/dashboards.html", default=dashboards.default_for(principal),
                       saved=await dashboards.visible(principal), sharing=SHARING)


@get("/dashboards/default", include_in_schema=False)
async def default_page(request: Request, principal: CurrentPrincipal) -> Response:
    return await _page(request, principal, dashboards.default_for(principal))


@get("/dashboards/{dashboard_id:int}", include_in_schema=False)
async def dashboard_page(request: Request, principal: CurrentPrincipal, dashboard_id: FromPath[int]) -> Response:
    return await _page(request, principal, await dashboards.get(principal, dashboard_id))


@post("/dashboards", include_in_schema=False)
async def create_dashboard(request: Request, principal: CurrentPrincipal) -> Response:
    form = await request.form()
    try:
        created = await dashboards.create(principal, form.get("title", ""), form.get("shared", "private"))
    except Invalid as exc:
        return render_page(request, "reports/dashboards.html", status_code=422, errors=exc.errors,
                           default=dashboards.default_for(principal), saved=await dashboards.visible(principal),
                           sharing=SHARING)
    return Redirect(f"/dashboards/{created['id']}", status_code=303)


async def _change(request: Request, principal: Principal, dashboard_id: int, action: str) -> Response:
    form = await request.form()
    back = f"/dashboards/{dashboard_id}"
    try:
        if action == "add":
            report = await registry.resolve(principal, str(form.get("report", "")))
            await dashboards.add_widget(principal, dashboard_id, report.key, {})
        elif action in ("up", "down"):
            await dashboards.move_widget(principal, dashboard_id, int(form.get("index", -1)), -1 if action == "up" else 1)
        elif action == "remove":
            await dashboards.remove_widget(principal, dashboard_id, int(form.get("index", -1)))
        elif action == "settings":
            await dashboards.update(principal, dashboard_id, {
                "title": form.get("title", ""), "shared": form.get("shared", ""),
                "filters": {key: form.get(key, "") for key in FILTERS}})
        elif action == "delete":
            await dashboards.delete(principal, dashboard_id)
            return Redirect("/dashboards", status_code=303)
    except (CrmError, ValueError) as exc:
        message = "; ".join(exc.errors.values()) if isinstance(exc, Invalid) else getattr(exc, "message", str(exc))
        status = exc.status_code if isinstance(exc, CrmError) else 422
        return await _page(request, principal, await dashboards.get(principal, dashboard_id), status, message)
    return Redirect(back, status_code=303)


@post("/dashboards/{dashboard_id:int}/{action:str}", include_in_schema=False)
async def change_dashboard(request: Request, principal: CurrentPrincipal, dashboard_id: FromPath[int],
                           action: FromPath[str]) -> Response:
    if action not in ("add", "up", "down", "remove", "settings", "delete"):
        raise Invalid({"action": f"{action!r} is not add, up, down, remove, settings or delete"})
    return await _change(request, principal, dashboard_id, action)


HANDLERS = [dashboards_list, default_page, dashboard_page, create_dashboard, change_dashboard]
