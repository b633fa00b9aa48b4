"""Scheduled reports: emailed daily, weekly or monthly through the core's SMTP service, by the
job, counted over what the recipient may see; tested with the test kit's real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.reports.conftest import add_contact

pytestmark = pytest.mark.postgres

WEDNESDAY = dt.datetime(2030, 1, 2, 10, 0, tzinfo=dt.UTC)
NEXT_MONDAY_AT_SEVEN = dt.datetime(2030, 1, 7, 7, 0, tzinfo=dt.UTC)


async def test_a_weekly_report_is_emailed_on_monday_with_only_what_its_owner_may_see(
    teams, crm_smtp, crm_clock, crm_run_jobs
):
    crm_clock.set(WEDNESDAY)
    ann = teams["ann"].client
    await add_contact(ann, "Ada", source="web")
    await add_contact(teams["cat"].client, "Cleo", source="fair")
    response = await ann.post("/api/v1/report-schedules", json={"report": "sources", "frequency": "weekly"})
    assert response.status_code == 201, response.text
    assert response.json()["next_run_at"].startswith("2030-01-07T07:00")

    crm_clock.set(NEXT_MONDAY_AT_SEVEN - dt.timedelta(minutes=15))
    await crm_run_jobs()
    assert crm_smtp.to("ann@example.com") == []  # not yet Monday morning

    crm_clock.set(NEXT_MONDAY_AT_SEVEN)
    outcomes = await crm_run_jobs()
    assert [o.job_name for o in outcomes if o.job_name == "core.report_emails" and o.ok] == ["core.report_emails"]
    [email] = crm_smtp.to("ann@example.com")
    assert email.subject == "Sources, 2030-01-01 to 2030-01-07"
    text = email.body()
    assert "web | 1 | 0 | 0.0%" in text and "fair" not in text
    assert "/reports/sources?" in text
    assert "<table" in email.body("html") and "fair" not in email.body("html")

    await crm_run_jobs()
    assert len(crm_smtp.to("ann@example.com")) == 1  # sent once; next on the Monday after
    [schedule] = (await ann.get("/api/v1/report-schedules")).json()
    assert schedule["next_run_at"].startswith("2030-01-14T07:00") and schedule["runs"] == 1


async def test_a_schedule_is_refused_naming_a_bad_frequency_or_filter(teams, crm_smtp):
    ann = teams["ann"].client
    bad = await ann.post("/api/v1/report-schedules", json={"report": "sources", "frequency": "hourly"})
    assert bad.status_code == 422 and "frequency" in bad.text
    team = await ann.post("/api/v1/report-schedules", json={"report": "sources", "filters": {"team": "x"}})
    assert team.status_code == 422 and "team" in team.text
    unknown = await ann.post("/api/v1/report-schedules", json={"report": "nothing"})
    assert unknown.status_code == 404
    assert (await ann.get("/api/v1/report-schedules")).json() == []


async def test_without_email_a_schedule_is_refused_saying_why(teams):
    response = await teams["ann"].client.post("/api/v1/report-schedules", json={"report": "sources"})
    assert response.status_code == 409 and "CRM_SMTP_URL" in response.text


async def test_one_stops_a_schedule_and_cannot_stop_anothers(teams, crm_smtp):
    created = (await teams["ann"].client.post("/api/v1/report-schedules", json={"report": "sources"})).json()
    assert (await teams["cat"].client.delete(f"/api/v1/report-schedules/{created['id']}")).status_code == 403
    assert (await teams["ann"].client.delete(f"/api/v1/report-schedules/{created['id']}")).status_code == 204
    assert (await teams["ann"].client.get("/api/v1/report-schedules")).json() == []
