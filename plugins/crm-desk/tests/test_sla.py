"""The SLA of stored tickets: policies and calendars through the API, the derivation on the
ticket, the clock standing still while waiting on the customer, and flags that fire once."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

TICKETS = "/api/v1/desk/tickets"
SLA = "/api/v1/desk/sla"
_spec = importlib.util.spec_from_file_location("desk_event_log", Path(__file__).with_name("event_log.py"))
event_log = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(event_log)
BERLIN_WEEK = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def crm_plugins():
    event_log.RECEIVED.clear()
    return ["desk", ("eventlog", event_log)]


async def test_a_due_time_carries_its_derivation_on_the_ticket(crm_client, crm_clock, open_ticket):
    calendar = await crm_client.put(f"{SLA}/calendars/0", json={
        "timezone": "Europe/Berlin", "hours": BERLIN_WEEK, "holidays": ["2026-12-25"]})
    assert calendar.status_code == 200, calendar.text
    policy = await crm_client.put(f"{SLA}/policies/normal", json={"first_response_minutes": 480, "resolution_minutes": 960})
    assert policy.status_code in (200, 204), policy.text
    crm_clock.set(dt.datetime(2026, 12, 24, 15, 0))
    ticket = await open_ticket()
    sla = ticket["sla"]
    assert sla["first_response_derivation"] == (
        "due Mon 16:00: created Thu 16:00, 8 business hours, Sat–Sun closed, 25 Dec holiday (Europe/Berlin)")
    assert sla["first_response_due"].startswith("2026-12-28T15:00")
    assert sla["resolution_derivation"].startswith("due Tue 16:00: created Thu 16:00, 16 business hours")


async def test_bad_calendars_and_policies_are_refused_naming_the_field(crm_client):
    for body, field in (
        ({"timezone": "Europe/Berlin", "hours": {}}, "hours"),
        ({"timezone": "Europe/Berlin", "hours": {"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}}, "hours.mon"),
        ({"timezone": "Nowhere/Special", "hours": BERLIN_WEEK}, "timezone"),
        ({"timezone": "UTC", "hours": BERLIN_WEEK, "holidays": ["someday"]}, "holidays[0]"),
    ):
        response = await crm_client.put(f"{SLA}/calendars/0", json=body)
        assert response.status_code == 422, body
        assert field in response.json()["errors"], response.json()
    assert (await crm_client.get(f"{SLA}/calendars")).json() == {}
    bad = await crm_client.put(f"{SLA}/policies/urgent", json={"first_response_minutes": 0, "resolution_minutes": "soon"})
    assert set(bad.json()["errors"]) == {"first_response_minutes", "resolution_minutes"}
    assert "priority" in (await crm_client.put(f"{SLA}/policies/someday", json={
        "first_response_minutes": 5, "resolution_minutes": 10})).json()["errors"]
    assert (await crm_client.get(f"{SLA}/policies")).json()["urgent"] == {"first_response_minutes": 60, "resolution_minutes": 240}


async def test_the_clock_stands_still_while_pending_the_customer(crm_client, crm_clock, open_ticket):
    await crm_client.put(f"{SLA}/calendars/0", json={"timezone": "UTC", "hours": {
        day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}})
    crm_clock.set(dt.datetime(2026, 6, 1, 9, 0))
    ticket = await open_ticket(priority="urgent")  # resolution in 240 business minutes
    url = f"{TICKETS}/{ticket['id']}"
    assert ticket["sla"]["resolution_due"].startswith("2026-06-01T13:00")
    crm_clock.advance(hours=1)
    waiting = (await crm_client.patch(url, json={"status": "pending_customer"})).json()
    assert waiting["sla"]["resolution_due"] is None
    assert waiting["sla"]["resolution_derivation"].startswith("paused: no due time while waiting")
    crm_clock.advance(hours=2)
    back = (await crm_client.patch(url, json={"status": "open"})).json()
    assert back["sla"]["resolution_due"].startswith("2026-06-01T15:00")
    assert "paused 2 hours" in back["sla"]["resolution_derivation"]


async def test_at_risk_and_breached_fire_once_even_when_the_job_runs_again(crm_client, crm_clock, crm_run_jobs, open_ticket):
    await crm_client.put(f"{SLA}/calendars/0", json={"timezone": "UTC", "hours": {
        day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}})
    crm_clock.set(dt.datetime(2026, 6, 1, 9, 0))
    ticket = await open_ticket(priority="urgent")  # first response in 60 minutes, at risk after 45
    opened = [e for e in event_log.RECEIVED if e.name == "TicketOpened"]
    assert [e.ticket_id for e in opened] == [ticket["id"]]
    crm_clock.advance(minutes=46)
    await crm_run_jobs()
    at_risk = (await crm_client.get(TICKETS, params={"queue": "at_risk"})).json()["items"]
    assert [t["id"] for t in at_risk] == [ticket["id"]]
    crm_clock.advance(minutes=15)
    await crm_run_jobs()
    await crm_run_jobs()
    crm_clock.advance(minutes=1)
    await crm_run_jobs()
    flags = [(e.name, e.target) for e in event_log.RECEIVED if e.name in ("SlaAtRisk", "SlaBreached")]
    assert flags == [("SlaAtRisk", "first_response"), ("SlaBreached", "first_response")]
    shown = (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["sla"]["flags"]
    assert shown == ["first response at risk", "first response breached"]
    breached = (await crm_client.get(TICKETS, params={"queue": "breached"})).json()["items"]
    assert [t["id"] for t in breached] == [ticket["id"]]


async def test_assigning_replying_and_solving_are_announced_after_commit(crm_client, crm_make_user, open_ticket):
    agent, _ = await crm_make_user("agent@example.com", team="Support")
    ticket = await open_ticket(assignee_id=None)
    await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"assignee_id": agent.id})
    await crm_client.post(f"{TICKETS}/{ticket['id']}/messages", json={"body": "Fixed it", "status": "solved"})
    names = [e.name for e in event_log.RECEIVED if getattr(e, "ticket_id", None) == ticket["id"]]
    assert names == ["TicketOpened", "TicketAssigned", "TicketSolved", "TicketReplied"]
    refused = await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"status": "limbo"})
    assert refused.status_code == 422
    assert [e.name for e in event_log.RECEIVED].count("TicketSolved") == 1
