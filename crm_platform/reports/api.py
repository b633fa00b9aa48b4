"""``/api/v1/reports``: the reports there are, and each one's result as JSON or CSV."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from crm_platform.errors import Invalid
from crm_platform.reports import registry, running
from crm_platform.users.auth import CurrentPrincipal

FORMATS = ("json", "csv")


@get("/api/v1/reports", tags=["reports"])
async def list_reports(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Every report of the core and the enabled plugins: its key, title, chart, measure and parameters."""
    return [registry.describe(report) for report in registry.definitions()]


@get("/api/v1/reports/{key:str}", tags=["reports"])
async def report_result(principal: CurrentPrincipal, key: FromPath[str], request: Request) -> Response:
    """Run a report over what you may see. Filters: ``from`` and ``to`` (dates), ``team`` (a
    team id or ``me``) and the report's own parameters; ``format=csv`` answers a CSV file."""
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
    return Response(running.as_json(report, query, result, values.get("team") or ""))


HANDLERS = [list_reports, report_result]
