"""Reports emailed on a schedule: daily, weekly or monthly, to the user who asked, counted
over what they may see at the time of sending, through the core's outbox."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any
from urllib.parse import urlencode

from crm_hookspecs import Principal
from markupsafe import escape

from crm_platform import clock, runtime
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, CrmError, Forbidden, Invalid, NotFound
from crm_platform.mail.config import email_enabled
from crm_platform.mail.outbox import send_email
from crm_platform.reports import charts, registry, running
from crm_platform.reports import query as report_query
from crm_platform.reports.tables import FREQUENCIES

__all__ = ["FREQUENCIES", "JOB", "create", "delete", "get", "list_for", "next_run", "send_due"]
from crm_platform.users.service import principal_for_user_id

log = logging.getLogger("crm.reports")
JOB = "core.report_emails"
SEND_HOUR = 7  # UTC: the email is waiting when the working day starts
PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 30}
# At most this many schedules are sent per run of the job; the rest wait for the next run.
BATCH = 200
# What a schedule keeps of a report's filters: the period moves with each sending.
KEPT = ("team",)


def next_run(after: dt.datetime, frequency: str) -> dt.datetime:
    """The next sending after ``after``: tomorrow, next Monday or the first of next month, at 07:00 UTC."""
    day = after.astimezone(dt.UTC).date()
    if frequency == "daily":
        day += dt.timedelta(days=1)
    elif frequency == "weekly":
        day += dt.timedelta(days=7 - day.weekday())
    else:
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(day, dt.time(SEND_HOUR), tzinfo=dt.UTC)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("filters"), str):
        row["filters"] = json.loads(row["filters"])
    return row


async def list_for(principal: Principal, report_key: str | None = None) -> list[dict[str, Any]]:
    """The viewer's own schedules (of one report, with ``report_key``), oldest first."""
    sql = "SELECT id, report, filters, frequency, next_run_at, last_sent_at, runs FROM crm_report_schedule WHERE owner = {}"
    args: list[Any] = [principal.id]
    if report_key:
        sql += " AND report = {}"
        args.append(report_key)
    return [_decode(row) for row in await fetch(sql + " ORDER BY id", *args)]


async def create(principal: Principal, report_key: str, frequency: str, filters: dict[str, str]) -> dict[str, Any]:
    """Email ``report_key`` to ``principal`` every day, week or month, with ``filters`` (the
    team and the report's own parameters; the period is the last day, week or month)."""
    report = await registry.resolve(principal, report_key)
    if frequency not in FREQUENCIES:
        raise Invalid({"frequency": f"{frequency!r} is not one of {', '.join(FREQUENCIES)}"})
    if not email_enabled():
        raise Conflict("email is off on this instance: an administrator sets CRM_SMTP_URL to turn it on")
    own = {parameter.key for parameter in report.parameters}
    kept = {key: str(value) for key, value in filters.items() if (key in KEPT or key in own) and value}
    await report_query.parse(principal, report, kept)  # refuses a bad filter now, not at 07:00
    rows = await execute(
        "INSERT INTO crm_report_schedule (owner, report, filters, frequency, next_run_at, runs, created_at) "
        "VALUES ({}, {}, {}, {}, {}, 0, {}) RETURNING id",
        principal.id, report.key, json.dumps(kept), frequency, next_run(clock.now(), frequency), clock.now(),
    )
    return await get(principal, rows[0]["id"])


async def get(principal: Principal, schedule_id: int) -> dict[str, Any]:
    rows = await fetch(
        "SELECT id, owner, report, filters, frequency, next_run_at, last_sent_at, runs FROM crm_report_schedule "
        "WHERE id = {}", schedule_id,
    )
    if not rows:
        raise NotFound("report schedule", schedule_id)
    if rows[0]["owner"] != principal.id and principal.role != "admin":
        raise Forbidden(f"report schedule {schedule_id} is another user's")
    return _decode(rows[0])


async def delete(principal: Principal, schedule_id: int) -> None:
    await get(principal, schedule_id)
    await execute("DELETE FROM crm_report_schedule WHERE id = {}", schedule_id)


async def send_due() -> int:
    """The job: email every schedule whose moment has come, and set its next moment. Each
    schedule's email and its next moment are written together, so a run killed half-way
    sends nothing twice."""
    now = clock.now()
    due = await fetch(
        "SELECT id, owner, report, filters, frequency FROM crm_report_schedule WHERE next_run_at <= {} "
        f"ORDER BY next_run_at, id LIMIT {BATCH}", now,
    )
    sent = 0
    for schedule in map(_decode, due):
        principal = await principal_for_user_id(schedule["owner"])
        async with unit_of_work():
            await execute(
                "UPDATE crm_report_schedule SET next_run_at = {}, last_sent_at = {}, runs = runs + 1 WHERE id = {}",
                next_run(now, schedule["frequency"]), now, schedule["id"],
            )
            if principal is None or not email_enabled():
                continue  # a disabled user gets nothing; the schedule waits for them
            try:
                subject, text, html = await _email(principal, schedule, now)
            except CrmError as exc:
                log.warning("report schedule %s not sent: %s", schedule["id"], exc.message)
                continue
            await send_email(principal.email, subject, text, html)
            sent += 1
    return sent


async def _email(principal: Principal, schedule: dict[str, Any], now: dt.datetime) -> tuple[str, str, str]:
    report = await registry.resolve(principal, schedule["report"])
    today = now.astimezone(dt.UTC).date()
    values = {**schedule["filters"], "to": today.isoformat(),
              "from": (today - dt.timedelta(days=PERIOD_DAYS[schedule["frequency"]] - 1)).isoformat()}
    query = await report_query.parse(principal, report, values)
    result = await running.run(report, query)
    link = f"{runtime.current().settings.base_url.rstrip('/')}/reports/{report.key}?{urlencode(values)}"
    period = f"{query.date_from} to {query.date_to}"
    subject = f"{report.title}, {period}"
    header = [column.label for column in result.columns]
    lines = [[charts.show(row.get(c.key), c.kind) for c in result.columns] for row in result.rows]
    text = "\n".join([subject, "", " | ".join(header), *(" | ".join(line) for line in lines)]
                     + ["", f"Open the report: {link}"])
    return subject, text, _html(report.title, period, result, header, lines, link)


def _html(title: str, period: str, result: Any, header: list[str], lines: list[list[str]], link: str) -> str:
    """The email's HTML: a bar beside each row (mail readers draw few SVGs) and the table."""
    series = running.series_of(result)
    first = series[0] if series else None
    peak = max((float(row.get(first) or 0) for row in result.rows), default=0) if first else 0
    body = [f"<h1>{escape(title)}</h1><p>{escape(period)}</p>",
            '<table cellpadding="4" style="border-collapse:collapse">',
            "<tr>" + "".join(f"<th align=\"left\">{escape(label)}</th>" for label in header) + "<th></th></tr>"]
    for row, line in zip(result.rows, lines, strict=True):
        width = int(float(row.get(first) or 0) / peak * 160) if peak else 0
        bar = f'<span style="display:inline-block;height:12px;width:{width}px;background:#2f5bd3"></span>'
        body.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in line) + f"<td>{bar}</td></tr>")
    body.append(f'</table><p><a href="{escape(link)}">Open the report</a></p>')
    return "".join(body)
