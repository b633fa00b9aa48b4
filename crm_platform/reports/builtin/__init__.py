"""The core's own reports, registered through ``crm_reports`` like any plugin's."""

from __future__ import annotations

from crm_hookspecs import ReportDefinition

from crm_platform.reports.builtin import activity, followup, lifecycle, referrals, retention, sources


def reports() -> list[ReportDefinition]:
    return [*activity.REPORTS, *followup.REPORTS, *lifecycle.REPORTS, *retention.REPORTS, *sources.REPORTS, *referrals.REPORTS]
