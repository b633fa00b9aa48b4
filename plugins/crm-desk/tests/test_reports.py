"""The desk's reports through the core's report contract: response and resolution times, SLA
attainment, the backlog and satisfaction, as JSON, CSV and pages, over the tickets the viewer
may see."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from crm_platform.testing import client_for
from crm_platform.toolkit import execute

pytestmark = pytest.mark.postgres

TICKETS = "/api/v1/desk/tickets"
JUNE = {"from": "2026-06-01", "to": "2026-06-30"}


async def test_times_by_priority_as_json_and_csv_and_the_old_csv_address(web_client, crm_client, crm_clock, open_ticket):
    crm_clock.set(dt.datetime(2026, 6, 1, 9))
    urgent = await open_ticket(subject="Urgent one", priority="urgent")
    await open_ticket(subject="Low one", priority="low")
    crm_clock.advance(hours=2)
    await crm_client.post(f"{TICKETS}/{urgent['id']}/messages", json={"body": "On it", "status": "solved"})
    body = (await crm_client.get("/api/v1/reports/desk.times", params={**JUNE, "group": "priority"})).json()
    rows = {row["group"]: row for row in body["rows"]}
    assert rows["urgent"]["first_response_median"] == 2.0 and rows["urgent"]["solved"] == 1
    assert rows["urgent"]["sla_attained"] == 1.0
    assert rows["low"]["open"] == 1 and rows["low"]["first_response_median"] is None
    exported = await web_client.get("/desk/reports.csv", params={**JUNE, "group": "priority"}, follow_redirects=True)
    assert exported.headers["content-type"].startswith("text/csv")
    lines = {row["Priority"]: row for row in csv.DictReader(io.StringIO(exported.text))}
    assert lines["urgent"]["First response, median (h)"] == "2.0" and lines["urgent"]["SLA attained"] == "100.0%"
    refused = await crm_client.get("/api/v1/reports/desk.times", params={"group": "planet"})
    assert refused.status_code == 422 and "group" in refused.text


async def test_each_team_counts_only_its_own_tickets(crm_client, crm_running_app, crm_make_user, open_ticket):
    east, east_token = await crm_make_user("ann@example.com", team="East")
    west, west_token = await crm_make_user("cid@example.com", team="West")
    await open_ticket(subject="East one", team_id=east.team_id, assignee_id=None, category="billing")
    await open_ticket(subject="East two", assignee_id=east.id, category="billing")
    await open_ticket(subject="West one", team_id=west.team_id, assignee_id=None, category="shipping")
    everyone = (await crm_client.get("/api/v1/reports/desk.times", params={"group": "category"})).json()
    assert {row["group"]: row["tickets"] for row in everyone["rows"]} == {"billing": 2, "shipping": 1}
    async with client_for(crm_running_app, east_token) as ann, client_for(crm_running_app, west_token) as cid:
        mine = (await ann.get("/api/v1/reports/desk.times", params={"group": "category"})).json()
        assert {row["group"]: row["tickets"] for row in mine["rows"]} == {"billing": 2}
        theirs = (await cid.get("/api/v1/reports/desk.backlog")).json()
        assert theirs["summary"]["open"] == 1
        assert "East" not in (await cid.get("/api/v1/reports/desk.times", params={"group": "team"})).text


async def test_backlog_sla_and_satisfaction_over_time(crm_client, crm_clock, open_ticket):
    crm_clock.set(dt.datetime(2026, 6, 1, 9))
    first = await open_ticket(subject="First")
    second = await open_ticket(subject="Second")
    crm_clock.set(dt.datetime(2026, 6, 9, 9))
    await crm_client.post(f"{TICKETS}/{first['id']}/messages", json={"body": "Done", "status": "solved"})
    await crm_client.post(f"{TICKETS}/{second['id']}/messages", json={"body": "Done too", "status": "solved"})
    reopened = await crm_client.patch(f"{TICKETS}/{second['id']}", json={"status": "open"})
    assert reopened.status_code == 200, reopened.text
    await execute("UPDATE desk_ticket SET csat_score = 4 WHERE id = {}", first["id"])
    backlog = (await crm_client.get("/api/v1/reports/desk.backlog", params=JUNE)).json()
    weeks = {row["week"]: row for row in backlog["rows"]}
    assert weeks["2026-06-01"] == {"week": "2026-06-01", "open": 2, "created": 2, "solved": 0}
    assert weeks["2026-06-08"]["open"] == 1 and weeks["2026-06-08"]["solved"] == 1
    satisfaction = (await crm_client.get("/api/v1/reports/desk.csat", params=JUNE)).json()
    assert satisfaction["rows"] == [{"month": "2026-06", "average": 4.0, "ratings": 1}]
    sla = (await crm_client.get("/api/v1/reports/desk.sla", params=JUNE)).json()
    assert sum(row["attained"] + row["breached"] for row in sla["rows"]) == 1


async def test_the_desk_reports_are_on_the_reports_page(web_client, open_ticket):
    await open_ticket(subject="Anything")
    listed = (await web_client.get("/reports")).text
    for key in ("desk.times", "desk.sla", "desk.backlog", "desk.csat"):
        assert f"/reports/{key}" in listed, key
        page = await web_client.get(f"/reports/{key}")
        assert page.status_code == 200 and f"/api/v1/reports/{key}?" in page.text, key
    links = (await web_client.get("/desk/reports")).text
    assert 'href="/reports/desk.times"' in links and 'href="/reports/desk.csat"' in links
