"""``/api/v1/sales/``: pipelines, deals, moves and the forecast."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from crm_platform.toolkit import CurrentPrincipal, require_permission
from crm_sales import deals, forecast, listing, moves, pipelines
from crm_sales.clean import money
from crm_sales.export import deals_csv, forecast_csv
from crm_sales.schemas import (
    DealIn,
    DealOut,
    DealPage,
    DealPatch,
    Forecast,
    MoveIn,
    PipelineIn,
    PipelineOut,
    PipelinePatch,
)

# Checked on every CSV export; declared in plugin.py.
EXPORT = "sales.export"


def deal_out(row: dict[str, Any]) -> DealOut:
    return msgspec.convert(
        {
            **row, "amount": money(row["amount"]), "pipeline_id": row["pipeline"], "stage_id": row["stage"], "owner_id": row["owner"],
            "company_id": row["company"],
            "history": [visit | {"moved_by_id": visit["moved_by_id"]} for visit in row.get("history", [])],
        },
        DealOut, strict=False,
    )


def pipeline_out(row: dict[str, Any]) -> PipelineOut:
    return msgspec.convert(row, PipelineOut, strict=False)


class PipelineController(Controller):
    path = "/pipelines"

    @get("/")
    async def list_pipelines(self, principal: CurrentPrincipal) -> list[PipelineOut]:
        """Every pipeline with its stages in order, the default one first."""
        return [pipeline_out(row) for row in await pipelines.list_pipelines()]

    @post("/")
    async def create_pipeline(self, principal: CurrentPrincipal, data: JSONBody[PipelineIn]) -> PipelineOut:
        """Managers and admins: a new pipeline, its open stages then a won and a lost stage."""
        return pipeline_out(await pipelines.create_pipeline(principal, data))

    @get("/{pipeline_id:int}")
    async def get_pipeline(self, principal: CurrentPrincipal, pipeline_id: FromPath[int]) -> PipelineOut:
        return pipeline_out(await pipelines.get_pipeline(pipeline_id))

    @patch("/{pipeline_id:int}")
    async def update_pipeline(
        self, principal: CurrentPrincipal, pipeline_id: FromPath[int], data: JSONBody[PipelinePatch]
    ) -> PipelineOut:
        """Managers and admins: rename a pipeline or make it the default."""
        return pipeline_out(await pipelines.update_pipeline(principal, pipeline_id, data))


class DealController(Controller):
    path = "/deals"

    @get("/")
    async def list_deals(
        self,
        principal: CurrentPrincipal,
        pipeline_id: FromQuery[int | None] = None,
        stage_id: FromQuery[int | None] = None,
        owner_id: FromQuery[int | None] = None,
        status: Annotated[str | None, Parameter(description="open, won or lost")] = None,
        close_month: Annotated[str | None, Parameter(description="expected close month, YYYY-MM")] = None,
        company_id: FromQuery[int | None] = None,
        contact_id: FromQuery[int | None] = None,
        sort: Annotated[str, Parameter(description="updated_at, created_at, title or id; - for descending")] = "-updated_at",
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> DealPage:
        """Deals you may see, one keyset page at a time; follow ``next_cursor``."""
        filters = listing.DealFilters(pipeline_id, stage_id, owner_id, status, close_month, company_id, contact_id)
        rows, next_cursor = await listing.list_deals(principal, filters, sort, limit, cursor)
        return DealPage(items=[deal_out(row) for row in rows], next_cursor=next_cursor)

    @get("/export.csv", media_type="text/csv")
    async def export_deals(
        self,
        principal: CurrentPrincipal,
        pipeline_id: FromQuery[int | None] = None,
        stage_id: FromQuery[int | None] = None,
        owner_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        close_month: FromQuery[str | None] = None,
    ) -> Response[str]:
        """The deals you may see, filtered like the list, as CSV (permission ``sales.export``)."""
        await require_permission(principal, EXPORT)
        filters = listing.DealFilters(pipeline_id, stage_id, owner_id, status, close_month)
        return _csv(await deals_csv(principal, filters), "deals.csv")

    @post("/")
    async def create_deal(self, principal: CurrentPrincipal, data: JSONBody[DealIn]) -> DealOut:
        """Create a deal in an open stage; it is yours unless ``owner_id`` says otherwise."""
        return deal_out(await deals.create(principal, data))

    @get("/{deal_id:int}")
    async def get_deal(self, principal: CurrentPrincipal, deal_id: FromPath[int]) -> DealOut:
        """The deal with its contacts and its stage history (time spent in each stage)."""
        return deal_out(await deals.get(principal, deal_id, with_history=True))

    @patch("/{deal_id:int}")
    async def update_deal(self, principal: CurrentPrincipal, deal_id: FromPath[int], data: JSONBody[DealPatch]) -> DealOut:
        """Change the fields given; the others keep their values."""
        return deal_out(await deals.update(principal, deal_id, data))

    @delete("/{deal_id:int}")
    async def delete_deal(self, principal: CurrentPrincipal, deal_id: FromPath[int]) -> None:
        await deals.delete(principal, deal_id)

    @post("/{deal_id:int}/move")
    async def move_deal(self, principal: CurrentPrincipal, deal_id: FromPath[int], data: JSONBody[MoveIn]) -> DealOut:
        """Move the deal to another stage of its pipeline; a lost stage needs a ``lost_reason``."""
        return deal_out(await moves.move(principal, deal_id, data))


@get("/forecast")
async def get_forecast(
    principal: CurrentPrincipal,
    currency: Annotated[str | None, Parameter(description="ISO 4217 code; the instance default if left out")] = None,
    pipeline_id: FromQuery[int | None] = None,
) -> Forecast:
    """Weighted pipeline by close month and owner, win rate, average won deal, sales cycle,
    stage-to-stage conversion and lost deals by reason, over the deals you may see."""
    return msgspec.convert(await forecast.forecast(principal, currency, pipeline_id), Forecast, strict=False)


@get("/forecast.csv", media_type="text/csv")
async def export_forecast(
    principal: CurrentPrincipal, currency: FromQuery[str | None] = None, pipeline_id: FromQuery[int | None] = None
) -> Response[str]:
    """The weighted pipeline by close month and owner, as CSV (permission ``sales.export``)."""
    await require_permission(principal, EXPORT)
    return _csv(forecast_csv(await forecast.forecast(principal, currency, pipeline_id)), "forecast.csv")


def _csv(body: str, filename: str) -> Response[str]:
    return Response(
        body, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


HANDLERS = (PipelineController, DealController, get_forecast, export_forecast)
