"""The sales pages under ``/sales/``: the board, the list, a deal, the forecast."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_platform.toolkit import (
    CurrentPrincipal,
    Invalid,
    ensure,
    format_number,
    get_records,
    list_users,
    offer_notice,
    offer_undo,
    record_slots,
    regional_preferences,
    render_page,
    unit_of_work,
)
from crm_sales import board as board_service
from crm_sales import charts, dealform, deals, forecast, listing, moves, pipelines
from crm_sales.clean import lost_reasons
from crm_sales.schemas import DealIn, DealPatch, MoveIn
from crm_sales.timeline import deal_timeline


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdecimal() else None


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
    offer_notice(request, "Deal moved.")
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
async def new_page(
    request: Request, principal: CurrentPrincipal, contact: FromQuery[str | None] = None, company: FromQuery[str | None] = None
) -> Response:
    """A new deal; from a contact's or a company's page it starts with them linked."""
    values = {"currency": await deals.default_currency(), "owner_id": principal.id}
    values |= await dealform.prefill(principal, _int(contact), _int(company))
    return await _form_response(request, principal, values, {})


async def _form_response(
    request: Request, principal: Any, values: dict[str, Any], errors: dict[str, str],
    deal: dict[str, Any] | None = None, status_code: int = 200,
) -> Response:
    extra = await dealform.context(principal, values, closing=deal is not None)
    return render_page(
        request, "sales/new.html" if deal is None else "sales/edit.html", values=values, errors=errors, deal=deal,
        lost_reasons=await lost_reasons(), status_code=status_code, **extra,
    )


@post("/deals/new", name="sales-create", include_in_schema=False)
async def create_from_page(request: Request, principal: CurrentPrincipal) -> Response:
    values = dealform.read(await request.form())
    try:
        stage = await dealform.chosen_stage(values["stage_id"])
        data = dealform.body(DealIn, {
            "title": values["title"], "amount": dealform.amount(values["amount"]), "currency": values["currency"],
            "pipeline_id": stage["pipeline"] if stage else None, "stage_id": stage["id"] if stage else None,
            "expected_close_date": dealform.date(values["expected_close_date"]),
            "owner_id": dealform.owner(values["owner_id"]) or principal.id,
            "company_id": values["company_id"], "contacts": values["contacts"],
        })
        deal = await deals.create(principal, data)
    except Invalid as error:
        return await _form_response(request, principal, values, error.errors, status_code=422)
    offer_notice(request, f"Deal {deal['title']} created.")
    return Redirect(f"/sales/deals/{deal['id']}")


@get("/deals/{deal_id:int}/edit", name="sales-edit", include_in_schema=False)
async def edit_page(request: Request, principal: CurrentPrincipal, deal_id: FromPath[int]) -> Response:
    deal = await deals.get(principal, deal_id)
    await ensure(principal, "write", deals.RECORD_TYPE, deal)
    values = {
        "title": deal["title"], "amount": format_number(deal["amount"], regional_preferences()), "currency": deal["currency"],
        "expected_close_date": deal["expected_close_date"] or "", "owner_id": deal["owner"], "stage_id": deal["stage"],
        "lost_reason": deal["lost_reason"] or "", "company_id": deal["company"],
        "contacts": [{"contact_id": item["contact_id"], "role": item["role"]} for item in deal["contacts"]],
    }
    return await _form_response(request, principal, values, {}, deal=deal)


@post("/deals/{deal_id:int}/edit", name="sales-update", include_in_schema=False)
async def update_from_page(request: Request, principal: CurrentPrincipal, deal_id: FromPath[int]) -> Response:
    """Every field of the deal at once; a new stage moves it (in one transaction with the rest)."""
    deal = await deals.get(principal, deal_id)
    values = dealform.read(await request.form())
    try:
        patch = dealform.body(DealPatch, {
            "title": values["title"], "amount": dealform.amount(values["amount"]), "currency": values["currency"],
            "expected_close_date": dealform.date(values["expected_close_date"]),
            "owner_id": dealform.owner(values["owner_id"]), "company_id": values["company_id"],
            "contacts": values["contacts"],
        })
        stage = await dealform.chosen_stage(values["stage_id"])
        async with unit_of_work():
            await deals.update(principal, deal_id, patch)
            if stage is not None and stage["id"] != deal["stage"]:
                move = MoveIn(stage_id=stage["id"], lost_reason=values["lost_reason"] or None, pipeline_id=stage["pipeline"])
                await moves.move(principal, deal_id, move)
    except Invalid as error:
        return await _form_response(request, principal, values, error.errors, deal=deal, status_code=422)
    offer_notice(request, "Deal saved.")
    return Redirect(f"/sales/deals/{deal_id}")


@get("/deals/{deal_id:int}", name="sales-deal", include_in_schema=False)
async def deal_page(request: Request, principal: CurrentPrincipal, deal_id: FromPath[int]) -> Response:
    deal = await deals.get(principal, deal_id, with_history=True)
    return await _deal_response(request, principal, deal)


async def _deal_response(
    request: Request, principal: Any, deal: dict[str, Any], errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    pipeline = await pipelines.get_pipeline(deal["pipeline"])
    company = await get_records(principal, "company", [deal["company"]]) if deal["company"] else {}
    return render_page(
        request, "sales/deal.html", deal=deal, pipeline=pipeline, timeline=await deal_timeline(principal, deal["id"]),
        company=company.get(deal["company"]),
        lost_reasons=await lost_reasons(), errors=errors or {}, status_code=status_code,
        # Other plugins' panels on the deal (the desk's tickets, the properties it is about).
        slots=await record_slots(request, "sales.deal", deal["id"], principal),
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
    )


@post("/deals/{deal_id:int}/delete", name="sales-delete", include_in_schema=False)
async def delete_from_page(request: Request, principal: CurrentPrincipal, deal_id: FromPath[int]) -> Response:
    """Move the deal to the trash and go back to its board, offering Undo."""
    deal = await deals.get(principal, deal_id)
    offer_undo(request, await deals.delete(principal, deal_id), f"Deleted {deal['title']}.")
    return Redirect(f"/sales/?pipeline={deal['pipeline']}", status_code=303)


HANDLERS = (
    board_page, move_from_page, list_page, new_page, create_from_page, edit_page, update_from_page, deal_page,
    forecast_page, delete_from_page,
)
