"""Running a report and writing its result: JSON for the API, CSV for spreadsheets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from crm_hookspecs import Principal, ReportDefinition, ReportQuery, ReportResult

from crm_platform import runtime
from crm_platform.db.engine import PostgresEngine
from crm_platform.errors import CrmError
from crm_platform.reports import query as report_query
from crm_platform.reports import registry
from crm_platform.web.csv_export import csv_document

log = logging.getLogger("crm.reports")
T = TypeVar("T")


class ReportFailed(CrmError):
    """A plugin's report raised or returned something else than a ReportResult."""

    status_code = 502


async def run(report: ReportDefinition, query: ReportQuery) -> ReportResult:
    try:
        result = await report.run(query)
    except CrmError:
        raise
    except Exception as exc:
        plugin = runtime.current().host.owner("crm_reports", report) or "core"
        log.exception("report %s of plugin %s failed", report.key, plugin)
        raise ReportFailed(f"report {report.key!r} of plugin {plugin!r} failed: {type(exc).__name__}") from exc
    if not isinstance(result, ReportResult):
        raise ReportFailed(f"report {report.key!r} returned {type(result).__name__}, not a ReportResult")
    return result


async def run_key(principal: Principal, key: str, values: Mapping[str, str]) -> tuple[ReportDefinition, ReportQuery,
                                                                                     ReportResult]:
    """Find, read the filters of and run report ``key`` for ``principal``."""
    report = await registry.resolve(principal, key)
    query = await report_query.parse(principal, report, values)
    return report, query, await run(report, query)


async def run_each(calls: list[Callable[[], Awaitable[T]]]) -> list[T]:
    """Each call's answer, in order: all at once on PostgreSQL, where each takes a connection
    of the pool; one after another on SQLite, whose reads run on the event loop's own
    connection anyway, and inside a transaction, which has only one connection."""
    engine = runtime.current().engine
    if isinstance(engine, PostgresEngine) and engine.current_transaction.get() is None:
        return list(await asyncio.gather(*(call() for call in calls)))
    return [await call() for call in calls]


def series_of(result: ReportResult) -> list[str]:
    """The columns a chart draws: those named, or every number column."""
    if result.series:
        return list(result.series)
    return [column.key for column in result.columns if column.kind != "text"]


def as_json(report: ReportDefinition, query: ReportQuery, result: ReportResult, team: str = "") -> dict[str, Any]:
    return {
        "report": registry.describe(report),
        "filters": report_query.as_values(query, team),
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in result.columns],
        "rows": [{column.key: row.get(column.key) for column in result.columns} for row in result.rows],
        "series": series_of(result),
        "summary": dict(result.summary),
        "note": result.note,
    }


def as_csv(result: ReportResult) -> str:
    header = [column.label for column in result.columns]
    lines = [[_cell(row.get(column.key), column.kind) for column in result.columns]
             for row in result.rows]
    return csv_document(header, lines)


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "percent":
        return f"{float(value) * 100:.1f}%"
    return str(value)
