"""The reports of the core and of the enabled plugins, by key."""

from __future__ import annotations

from crm_hookspecs import Principal, ReportDefinition

from crm_platform import runtime
from crm_platform.errors import NotFound


def definitions() -> list[ReportDefinition]:
    """Every enabled report, in its order, then by title."""
    reports = runtime.current().host.items("crm_reports")
    return sorted(reports, key=lambda report: (report.order, report.title, report.key))


def find(key: str) -> ReportDefinition | None:
    return next((report for report in runtime.current().host.items("crm_reports") if report.key == key), None)


def get(key: str) -> ReportDefinition:
    report = find(key)
    if report is None:
        raise NotFound("report", key)
    return report


async def resolve(principal: Principal, key: str) -> ReportDefinition:
    """Report ``key``: a registered one, or one a user built and ``principal`` may see."""
    from crm_platform.reports import builder

    saved_id = builder.id_of(key)
    if saved_id is not None:
        return builder.definition(await builder.get(principal, saved_id))
    return get(key)


def describe(report: ReportDefinition) -> dict:
    """What the list of reports says of one."""
    host = runtime.current().host
    return {
        "key": report.key, "title": report.title, "description": report.description,
        "plugin": host.owner("crm_reports", report) or ("saved" if report.key.startswith("saved.") else "core"), "chart": report.chart, "measure": report.measure,
        "group_by": list(report.group_by), "record_kind": report.record_kind,
        "parameters": [
            {"key": p.key, "label": p.label, "kind": p.kind, "default": p.default, "choices": list(p.choices)}
            for p in report.parameters
        ],
    }
