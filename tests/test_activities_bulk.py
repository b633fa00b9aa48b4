"""Logging many activities at once (``toolkit.log_activities``): the same checks, audit,
timelines and events as one at a time, in a number of statements that does not grow with the
number of activities."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from crm_hookspecs import Event, hookimpl

from crm_platform import toolkit
from crm_platform.audit.service import history

EVENTS: list[Event] = []


def _listener() -> types.ModuleType:
    module = types.ModuleType("listener")

    @hookimpl
    def crm_event(event):
        EVENTS.append(event)

    module.crm_event = crm_event
    return module


@pytest.fixture
def crm_plugins():
    EVENTS.clear()
    return [("listener", _listener())]


async def _people(client, count: int) -> tuple[list[int], int]:
    """``count`` contacts who work at one company, and the company."""
    company = (await client.post("/api/v1/companies", json={"name": "Acme"})).json()["id"]
    contacts = [{"given_name": f"Person{number}"} for number in range(count)]
    response = await client.post("/api/v1/contacts/bulk", json={"contacts": contacts})
    assert response.status_code == 201, response.text
    ids = response.json()["ids"]
    for contact_id in ids:
        relationship = {"type": "works_at", "source": {"type": "contact", "id": contact_id},
                        "target": {"type": "company", "id": company}}
        assert (await client.post("/api/v1/relationships", json=relationship)).status_code == 201
    return ids, company


def _emails(contact_ids: list[int], company: int, prefix: str) -> list[toolkit.ActivityIn]:
    sent = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    return [toolkit.ActivityIn(
        type="email", subject=f"Order {number}", body="<p>Hello<script>alert(1)</script></p>", occurred_at=sent,
        direction="inbound", channel="email", participant_ids=[contact_id],
        links=[{"record_type": "company", "record_id": company}],  # type: ignore[list-item]
        source="mailbox", external_id=f"{prefix}-{number}",
    ) for number, contact_id in enumerate(contact_ids)]


async def _statements(engine, principal, items) -> int:
    """The statements that log ``items``; the listeners that hear of them after the commit
    (the core's notifications read each new activity once) are not counted."""
    async with toolkit.unit_of_work():
        before = engine.statements_run
        await toolkit.log_activities(principal, items)
        return engine.statements_run - before


async def test_logging_thirty_activities_runs_as_many_statements_as_logging_three(crm_client, crm_admin, crm_engine):
    principal, _ = crm_admin
    contact_ids, company = await _people(crm_client, 33)

    three = await _statements(crm_engine, principal, _emails(contact_ids[:3], company, "a"))
    thirty = await _statements(crm_engine, principal, _emails(contact_ids[3:], company, "b"))

    assert thirty == three, (three, thirty)


async def test_activities_logged_at_once_are_sanitised_audited_on_timelines_and_announced(
    crm_client, crm_admin
):
    principal, _ = crm_admin
    contact_ids, company = await _people(crm_client, 2)

    logged = await toolkit.log_activities(principal, _emails(contact_ids, company, "m"))

    assert [created for _, created in logged] == [True, True]
    first, second = (activity for activity, _ in logged)
    assert "<script>" not in first["body"] and "Hello" in first["body"]
    for contact_id, activity in zip(contact_ids, (first, second), strict=True):
        timeline = (await crm_client.get(f"/api/v1/contacts/{contact_id}/timeline")).json()["items"]
        assert [item["title"] for item in timeline] == [activity["subject"]]
        shown = (await crm_client.get(f"/api/v1/contacts/{contact_id}")).json()
        assert shown["last_contacted_at"].startswith("2026-03-01T09:30")
    company_timeline = (await crm_client.get(f"/api/v1/companies/{company}/timeline")).json()["items"]
    assert sorted(item["title"] for item in company_timeline) == ["Order 0", "Order 1"]
    [create] = await history("activity", first["id"])
    assert create["action"] == "create" and create["changes"]["subject"]["to"] == "Order 0"
    announced = sorted(event.activity_id for event in EVENTS if event.name == "ActivityLogged")
    assert announced == sorted([first["id"], second["id"]])


async def test_an_activity_already_imported_is_given_back_not_logged_again(crm_client, crm_admin):
    principal, _ = crm_admin
    contact_ids, company = await _people(crm_client, 2)
    [(before, _)] = await toolkit.log_activities(principal, _emails(contact_ids[:1], company, "x"))

    items = _emails(contact_ids, company, "x")
    again = await toolkit.log_activities(principal, [*items, items[1]])

    assert [(activity["id"] == before["id"], created) for activity, created in again[:2]] == [
        (True, False), (False, True)]
    assert again[2] == (again[1][0], False)  # the same key twice in one call is one activity


async def test_one_invalid_activity_logs_none_and_names_its_field(crm_client, crm_admin):
    principal, _ = crm_admin
    contact_ids, company = await _people(crm_client, 2)
    items = _emails(contact_ids, company, "bad")
    items[0].participant_ids = [999_999]
    items[1].direction = "sideways"

    with pytest.raises(toolkit.Invalid) as raised:
        await toolkit.log_activities(principal, items)

    assert set(raised.value.errors) == {"items[0].participant_ids[0]", "items[1].direction"}
    timeline = (await crm_client.get(f"/api/v1/contacts/{contact_ids[0]}/timeline")).json()["items"]
    assert timeline == []


async def test_the_relationships_of_many_contacts_come_in_one_call(crm_client, crm_admin):
    principal, _ = crm_admin
    contact_ids, company = await _people(crm_client, 3)

    found = await toolkit.get_relationships_of(principal, "contact", [*contact_ids, 999_999], "works_at")

    assert sorted(found) == sorted(contact_ids)
    assert all([(item["target_type"], item["target_id"]) for item in found[contact_id]] == [("company", company)]
               for contact_id in contact_ids)
