"""The sales pages under ``/sales/``: the board, the list, a deal, the forecast."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_platform.toolkit import CurrentPrincipal, Invalid, list_users, offer_undo, render_page, setting
from crm_sales import board as board_service
from crm_sales import charts, deals, forecast, listing, moves, pipelines
from crm_sales.clean import lost_reasons
from crm_sales.schemas import DealIn, MoveIn
from crm_sales.timeline import deal_timeline


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _pipeline_choices(found: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(pipeline["id"], pipeline["name"]) for pipeline in found]


async def _owner_choices() -> list[tuple[int, str]]:
    return [(user["id"], user["display_name"]) for user in await list_users()]


@get("/", name="sales-board", include_in_schema=False)
async def board_page(
    request: Request,
    principal: CurrentPrincipal,
    pipeline: FromQuery[str | None] = None,
    owner: FromQuery[str | None] = None,
) -> Response:
    """The Kanban board of a pipeline (the default one unless ``pipeline`` is given)."""
    data = await board_service.board(principal, _int(pipeline), _int(owner))
    return render_page(
        request, "sales/board.html", board=data, pipeline_choices=_pipeline_choices(await pipelines.list_pipelines()),
        lost_reasons=await lost_reasons(), owner=_int(owner), owner_choices=await _owner_choices(),
    )


@post("/deals/{deal_id:int}/move", name="sales-move", include_in_schema=False)
async def move_from_page(request: Request, principal: CurrentPrincipal, deal_id: FromPath[int]) -> Response:
    """A move from the board (drag and drop or the keyboard form) or from the deal page."""
    form = await request.form()
    stage_id = _int(form.get("stage_id"))
    back = form.get("next") or f"/sales/deals/{deal_id}"
    if not back.startswith("/") or back.startswith("//"):
        back = f"/sales/deals/{deal_id}"
    try:
        if stage_id is None:
            raise Invalid({"stage_id": "choose a stage"})
        await moves.move(principal, deal_id, MoveIn(stage_id=stage_id, lost_reason=form.get("lost_reason") or None))
    except Invalid as error:
        if request.headers.get("x-requested-with") == "fetch":
            return Response({"errors": error.errors}, status_code=422)
        deal = await deals.get(principal, deal_id, with_history=True)
        return await _deal_response(request, principal, deal, errors=error.errors, status_code=422)
    if request.headers.get("x-requested-with") == "fetch":
        return Response({"ok": True}, status_code=200)
    return Redirect(back)


@get("/deals", name="sales-list", include_in_schema=False)
async def list_page(request: Request, principal: CurrentPrincipal) -> Response:
    query = dict(request.query_params)
    filters = listing.DealFilters(
        _int(query.get("pipeline")), _int(query.get("stage")), _int(query.get("owner")),
        query.get("status") or None, query.get("close_month") or None,
    )
    errors: dict[str, str] = {}
    try:
        rows, next_cursor = await listing.list_deals(principal, filters, "-updated_at", 50, query.get("cursor") or None)
    except Invalid as error:
        rows, next_cursor, errors = [], None, error.errors
    return render_page(
        request, "sales/list.html", deals=rows, next_cursor=next_cursor, query=query, errors=errors,
        pipeline_choices=_pipeline_choices(await pipelines.list_pipelines()), owner_choices=await _owner_choices(),
    )


@get("/deals/new", name="sales-new", include_in_schema=False)
async def new_page(request: Request, principal: CurrentPrincipal) -> Response:
    return render_page(
        request, "sales/new.html", values={"currency": await setting("sales", "default_currency")}, errors={},
        pipeline_choices=_pipeline_choices(await pipelines.list_pipelines()),
    )


@post("/deals/new", name="sales-create", include_in_schema=False)
async def create_from_page(request: Request, principal: CurrentPrincipal) -> Response:
    form = await request.form()
    values = {name: (form.get(name) or "").strip() for name in ("title", "amount", "currency", "pipeline_id", "expected_close_date")}
    try:
        data = DealIn(
            title=values["title"], amount=values["amount"] or "0", currency=values["currency"],  # type: ignore[arg-type]
            pipeline_id=_int(values["pipeline_id"]),
            expected_close_date=_date(values["expected_close_date"]),
        )
        deal = await deals.create(principal, data)
    except Invalid as error:
        return render_page(
            request, "sales/new.html", values=values, errors=error.errors,
            pipeline_choices=_pipeline_choices(await pipelines.list_pipelines()), status_code=422,
        )
    return Redirect(f"/sales/deals/{deal['id']}")


def _date(raw: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Invalid({"expected_close_date": "must be a date written YYYY-MM-DD"}) from None


@get("/deals/{deal_id:int}", name="sales-deal", include_in_schema=False)
async def deal_page(request: Request, principal: CurrentPrincipal, deal_id: FromPath[int]) -> Response:
    deal = await deals.get(principal, deal_id, with_history=True)
    return await _deal_response(request, principal, deal)


async def _deal_response(
    request: Request, principal: Any, deal: dict[str, Any], errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    pipeline = await pipelines.get_pipeline(deal["pipeline"])
    return render_page(
        request, "sales/deal.html", deal=deal, pipeline=pipeline, timeline=await deal_timeline(principal, deal["id"]),
        lost_reasons=await lost_reasons(), errors=errors or {}, status_code=status_code,
    )


@get("/forecast", name="sales-forecast", include_in_schema=False)
async def forecast_page(
    request: Request, principal: CurrentPrincipal, currency: FromQuery[str | None] = None, pipeline: FromQuery[str | None] = None
) -> Response:
    figures = await forecast.forecast(principal, currency, _int(pipeline))
    return render_page(
        request, "sales/forecast.html", figures=figures,
        pipeline_choices=_pipeline_choices(await pipelines.list_pipelines()),
        month_bars=charts.columns(figures["by_month"], "month", "total", "weighted"),
        owner_bars=charts.rows(figures["by_owner"], "owner_name", "weighted"),
        funnel_bars=charts.rows(figures["conversion"], "stage_name", "reached"),
        reason_bars=charts.rows(figures["lost_by_reason"], "reason", "count"),
        chart_width=charts.WIDTH,
    )


@post("/deals/{deal_id:int}/delete", name="sales-delete", include_in_schema=False)
async def delete_from_page(request: Request, principal: CurrentPrincipal, deal_id: FromPath[int]) -> Response:
    """Move the deal to the trash and go back to its board, offering Undo."""
    deal = await deals.get(principal, deal_id)
    offer_undo(request, await deals.delete(principal, deal_id), f"Deleted {deal['title']}.")
    return Redirect(f"/sales/?pipeline={deal['pipeline']}", status_code=303)


HANDLERS = (board_page, move_from_page, list_page, new_page, create_from_page, deal_page, forecast_page,
            delete_from_page)
