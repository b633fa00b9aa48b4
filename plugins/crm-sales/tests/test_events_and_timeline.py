"""Deal events reach listeners after commit; each stage change lands on the timelines."""

from __future__ import annotations

import types
from typing import Any

import pytest
from crm_hookspecs import hookimpl
from crm_sales.events import DealCreated, DealLost, DealStageChanged, DealWon

from crm_platform.toolkit import fetch

received: list[Any] = []


@hookimpl
def crm_event(event):
    received.append(event)


listener = types.ModuleType("sales_test_listener")
listener.crm_event = crm_event


@pytest.fixture
def crm_plugins():
    received.clear()
    return ["sales", ("listener", listener)]


async def test_creating_and_winning_a_deal_sends_its_events(crm_client, make_deal, pipeline):
    deal = await make_deal(amount="900", currency="EUR")
    won = pipeline["by_name"]["Won"]["id"]
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": won})
    sales_events = [event for event in received if type(event).__module__ == "crm_sales.events"]
    assert [type(event) for event in sales_events] == [DealCreated, DealStageChanged, DealWon]
    assert sales_events[1].stage_from_id == deal["stage_id"] and sales_events[1].stage_to_id == won
    assert str(sales_events[2].amount) == "900.00"


async def test_losing_a_deal_sends_the_reason(crm_client, make_deal, pipeline):
    deal = await make_deal()
    await crm_client.post(
        f"/api/v1/sales/deals/{deal['id']}/move",
        json={"stage_id": pipeline["by_name"]["Lost"]["id"], "lost_reason": "Competitor"},
    )
    lost = [event for event in received if isinstance(event, DealLost)]
    assert [(event.deal_id, event.lost_reason) for event in lost] == [(deal["id"], "Competitor")]


async def test_a_refused_move_sends_nothing(crm_client, make_deal, pipeline):
    deal = await make_deal()
    received.clear()
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Lost"]["id"]})
    assert received == []


async def test_a_stage_change_is_an_activity_on_the_deal_and_its_contacts(crm_client, make_deal, pipeline):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Grace"})).json()
    deal = await make_deal(title="Cloud", contacts=[{"contact_id": contact["id"], "role": "champion"}])
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Proposal"]["id"]})
    rows = await fetch(
        "SELECT a.type, a.subject, l.record_type, l.record_id FROM crm_activity a "
        "JOIN crm_activity_link l ON l.activity = a.id ORDER BY l.record_type"
    )
    assert [(row["record_type"], row["record_id"]) for row in rows] == [("contact", contact["id"]), ("sales.deal", deal["id"])]
    assert {row["type"] for row in rows} == {"deal_stage"}
    assert rows[0]["subject"] == "Cloud: Lead → Proposal"


async def test_the_deal_history_gives_the_time_in_each_stage(crm_client, make_deal, pipeline):
    deal = await make_deal()
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Qualified"]["id"]})
    history = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["history"]
    assert [visit["stage_name"] for visit in history] == ["Lead", "Qualified"]
    assert history[0]["left_at"] == history[1]["entered_at"]
    assert history[1]["left_at"] is None


async def test_a_stage_change_activity_goes_through_the_core_pipeline_audited_and_announced(
    crm_client, make_deal, pipeline
):
    from crm_hookspecs.events import ActivityLogged, RecordCreated, RecordUpdated

    from crm_platform.toolkit import audit_history

    deal = await make_deal(title="Solar")
    received.clear()
    qualified = pipeline["by_name"]["Qualified"]["id"]
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": qualified})
    [logged] = [event for event in received if isinstance(event, ActivityLogged)]
    assert logged.type == "deal_stage"
    assert any(isinstance(event, RecordCreated) and event.kind == "activity" for event in received)
    moved = [event for event in received if isinstance(event, RecordUpdated) and event.kind == "sales.deal"]
    assert [event.changes["stage"]["to"] for event in moved] == ["Qualified"]
    [entry] = await audit_history("activity", logged.activity_id)
    assert entry["action"] == "create" and entry["changes"]["type"]["to"] == "deal_stage"
    activity = (await crm_client.get(f"/api/v1/activities/{logged.activity_id}")).json()
    assert activity["subject"] == "Solar: Lead → Qualified"
    assert {"record_type": "sales.deal", "record_id": deal["id"], "role": "about"} in activity["links"]
