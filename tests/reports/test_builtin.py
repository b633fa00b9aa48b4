"""The core's built-in reports, counted over two teams' records: each member sees their own
team's figures, an admin everyone's, and the team filter narrows to one team."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform import toolkit
from tests.reports.conftest import add_contact, log

pytestmark = pytest.mark.postgres


async def _rows(client, key: str, **params) -> list[dict]:
    response = await client.get(f"/api/v1/reports/{key}", params=params)
    assert response.status_code == 200, response.text
    return response.json()["rows"]


async def _team_id(name: str) -> int:
    return next(team["id"] for team in await toolkit.list_teams() if team["name"] == name)


async def test_team_activity_counts_each_persons_calls_meetings_emails_notes_and_tasks_done(teams, crm_client):
    ann, ben, cat = teams["ann"], teams["ben"], teams["cat"]
    ada = await add_contact(ann.client, "Ada")
    cleo = await add_contact(cat.client, "Cleo")
    for type_ in ("call", "call", "meeting"):
        await log(ann.client, type_, ada["id"])
    await log(ann.client, "task", ada["id"], due_at="2030-01-01T09:00:00Z", done=True)
    await log(ben.client, "email", ada["id"])
    await log(cat.client, "note", cleo["id"])

    seen_by_ann = await _rows(ann.client, "team_activity", per="person")
    assert seen_by_ann == [
        {"person": "ann", "calls": 2, "meetings": 1, "emails": 0, "notes": 0, "tasks_done": 1, "total": 4},
        {"person": "ben", "calls": 0, "meetings": 0, "emails": 1, "notes": 0, "tasks_done": 0, "total": 1},
    ]
    south = await _rows(crm_client, "team_activity", per="person", team=await _team_id("South"))
    assert [(row["person"], row["notes"]) for row in south] == [("cat", 1)]
    by_week = await _rows(crm_client, "team_activity")
    this_week = toolkit.week_of(toolkit.now().date())
    assert {row["week"] for row in by_week} == {this_week} and len(by_week) == 3


async def test_follow_up_discipline_counts_on_time_late_overdue_and_untouched_contacts(teams, crm_client):
    ann, cat = teams["ann"], teams["cat"]
    ada = await add_contact(ann.client, "Ada")
    await add_contact(cat.client, "Cleo")
    now = toolkit.now()
    await log(ann.client, "task", ada["id"], due_at=(now + dt.timedelta(days=1)).isoformat(), done=True)
    await log(ann.client, "task", ada["id"], due_at=(now - dt.timedelta(days=2)).isoformat(), done=True)
    await log(ann.client, "follow_up", ada["id"], due_at=(now - dt.timedelta(days=1)).isoformat())
    rows = await _rows(ann.client, "follow_up", to=(now + dt.timedelta(days=5)).date().isoformat())
    assert rows == [{"person": "ann", "on_time": 1, "late": 1, "overdue": 1, "on_time_rate": 0.5, "untouched": 0}]
    # Counting from this moment, Cleo, whom nobody has touched, is untouched.
    everyone = await _rows(crm_client, "follow_up", stale_days="0")
    assert {row["person"]: row["untouched"] for row in everyone}["cat"] == 1


async def test_the_lifecycle_funnel_shows_how_far_the_contacts_who_came_in_got(teams, crm_client):
    for stage in ("lead", "lead", "prospect", "customer", "former"):
        await add_contact(teams["ann"].client, f"A {stage}", lifecycle_stage=stage)
    await add_contact(teams["cat"].client, "C lead")
    rows = await _rows(teams["ann"].client, "lifecycle_funnel")
    assert rows == [
        {"stage": "Leads", "reached": 5, "to_next": 0.6, "days_in_stage": None},
        {"stage": "Prospects", "reached": 3, "to_next": 0.6667, "days_in_stage": None},
        {"stage": "Customers", "reached": 2, "to_next": None, "days_in_stage": None},
    ]
    assert (await _rows(crm_client, "lifecycle_funnel"))[0]["reached"] == 6


async def test_the_lifecycle_funnel_says_how_long_contacts_stayed_in_each_stage(teams, crm_client, crm_clock):
    start = dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC)
    crm_clock.set(start)
    ann = teams["ann"].client
    ada, bea = await add_contact(ann, "Ada"), await add_contact(ann, "Bea")
    cleo = await add_contact(teams["cat"].client, "Cleo")

    async def move(client, contact, stage, days):
        crm_clock.set(start + dt.timedelta(days=days))
        response = await client.patch(f"/api/v1/contacts/{contact['id']}", json={"lifecycle_stage": stage})
        assert response.status_code == 200, response.text

    await move(ann, bea, "customer", 2)
    await move(ann, ada, "prospect", 4)
    await move(ann, ada, "customer", 10)
    await move(teams["cat"].client, cleo, "prospect", 12)
    # Leads: Bea 2 days, Ada 4; prospects: Ada 6 days; no customer lost yet.
    rows = await _rows(ann, "lifecycle_funnel")
    assert [(row["stage"], row["days_in_stage"]) for row in rows] == [
        ("Leads", 3.0), ("Prospects", 6.0), ("Customers", None)]
    # Cat sees only Cleo, twelve days a lead.
    assert [row["days_in_stage"] for row in await _rows(teams["cat"].client, "lifecycle_funnel")] == [
        12.0, None, None]
    assert [row["days_in_stage"] for row in await _rows(crm_client, "lifecycle_funnel")] == [
        6.0, 6.0, None]


async def test_customers_won_and_lost_are_counted_by_month_of_the_change(teams, crm_client):
    ada = await add_contact(teams["ann"].client, "Ada")
    for stage in ("customer", "former"):
        response = await teams["ann"].client.patch(f"/api/v1/contacts/{ada['id']}", json={"lifecycle_stage": stage})
        assert response.status_code == 200, response.text
    month = toolkit.now().strftime("%Y-%m")
    assert await _rows(crm_client, "customers_won_lost") == [{"month": month, "won": 1, "lost": 1}]
    assert await _rows(teams["cat"].client, "customers_won_lost") == []


async def test_sources_count_leads_and_customers_by_source(teams):
    await add_contact(teams["ann"].client, "Ada", source="web")
    await add_contact(teams["ann"].client, "Alma", source="web", lifecycle_stage="customer")
    await add_contact(teams["ben"].client, "Bob", source="fair")
    await add_contact(teams["cat"].client, "Cleo", source="fair")
    rows = await _rows(teams["ann"].client, "sources")
    assert rows == [
        {"source": "web", "contacts": 2, "customers": 1, "customer_rate": 0.5},
        {"source": "fair", "contacts": 1, "customers": 0, "customer_rate": 0.0},
    ]


async def test_referrals_count_what_the_referred_became_and_hide_referrers_one_may_not_see(teams, crm_client):
    ada = await add_contact(teams["ann"].client, "Ada Referrer")
    for client, name, stage in ((teams["ann"].client, "Bea", "customer"), (crm_client, "Cid", "lead")):
        referred = await add_contact(client, name, lifecycle_stage=stage)
        if client is crm_client:
            await crm_client.patch(f"/api/v1/contacts/{referred['id']}", json={"owner_id": teams["cat"].principal.id})
        response = await crm_client.post("/api/v1/relationships", json={
            "type": "referred_by", "source": {"type": "contact", "id": referred["id"]},
            "target": {"type": "contact", "id": ada["id"]}})
        assert response.status_code == 201, response.text
    assert await _rows(crm_client, "referrals") == [
        {"referrer": "Ada Referrer", "referred": 2, "customers": 1, "former": 0, "customer_rate": 0.5}]
    cats = await teams["cat"].client.get("/api/v1/reports/referrals")
    assert "Ada Referrer" not in cats.text
    assert cats.json()["rows"] == [
        {"referrer": "Someone you cannot see", "referred": 1, "customers": 0, "former": 0, "customer_rate": 0.0}]


async def test_retention_groups_customers_by_the_month_they_became_customers(teams, crm_client, crm_clock):
    crm_clock.set(dt.datetime(2030, 1, 10, 12, 0, tzinfo=dt.UTC))
    ann = teams["ann"].client
    kept, lost, recent = [await add_contact(ann, name) for name in ("Kept", "Lost", "Recent")]
    for contact in (kept, lost):
        await ann.patch(f"/api/v1/contacts/{contact['id']}", json={"lifecycle_stage": "customer"})
    crm_clock.set(dt.datetime(2030, 2, 1, 12, 0, tzinfo=dt.UTC))
    await ann.patch(f"/api/v1/contacts/{lost['id']}", json={"lifecycle_stage": "former"})
    crm_clock.set(dt.datetime(2030, 5, 20, 12, 0, tzinfo=dt.UTC))
    await ann.patch(f"/api/v1/contacts/{recent['id']}", json={"lifecycle_stage": "customer"})
    rows = await _rows(crm_client, "retention", **{"from": "2030-01-01", "to": "2030-05-31", "months": "3"})
    assert rows == [
        {"cohort": "2030-01", "customers": 2, "still": 1, "retained": 0.5, "lost": 1},
        {"cohort": "2030-05", "customers": 1, "still": 1, "retained": None, "lost": 0},
    ]
    assert await _rows(teams["cat"].client, "retention", **{"from": "2030-01-01", "to": "2030-05-31"}) == []
