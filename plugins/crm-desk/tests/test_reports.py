"""Reports: response and resolution times, SLA attainment and satisfaction by group, on a page
and as CSV, over the tickets the user may see."""

from __future__ import annotations

import csv
import datetime as dt
import io

TICKETS = "/api/v1/desk/tickets"


async def test_the_report_by_priority_and_its_csv(web_client, crm_client, crm_clock, open_ticket):
    crm_clock.set(dt.datetime(2026, 6, 1, 9))
    urgent = await open_ticket(subject="Urgent one", priority="urgent")
    await open_ticket(subject="Low one", priority="low")
    crm_clock.advance(hours=2)
    await crm_client.post(f"{TICKETS}/{urgent['id']}/messages", json={"body": "On it", "status": "solved"})
    page = await web_client.get("/desk/reports", params={"group": "priority"})
    assert page.status_code == 200 and "urgent" in page.text
    exported = await web_client.get("/desk/reports.csv", params={"group": "priority"})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = {row["group"]: row for row in csv.DictReader(io.StringIO(exported.text))}
    assert rows["urgent"]["first_response_median_h"] == "2.0" and rows["urgent"]["solved"] == "1"
    assert rows["urgent"]["sla_attained_pct"] == "100.0"
    assert rows["low"]["open"] == "1" and rows["low"]["first_response_median_h"] == ""
    assert (await web_client.get("/desk/reports.csv", params={"group": "planet"})).status_code == 422
