"""Activities through the REST API: registered types, safe bodies, links, idempotent imports,
tasks, timelines and access."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from crm_hookspecs import ActivityType, Event, TimelineItem, hookimpl

from crm_platform.audit.service import history
from crm_platform.testing import client_for

EVENTS: list[Event] = []


def _probe() -> types.ModuleType:
    """A plugin with an activity type, a timeline item and an event listener."""
    module = types.ModuleType("probe")

    @hookimpl
    def crm_activity_types():
        return [ActivityType("site_visit", "Site visit")]

    @hookimpl
    async def crm_timeline_items(record_type, record_id, principal, limit):
        return [TimelineItem(f"deal-{record_id}", dt.datetime(2020, 6, 1, tzinfo=dt.UTC), "deal", "Deal won")]

    @hookimpl
    def crm_event(event):
        EVENTS.append(event)

    module.crm_activity_types = crm_activity_types
    module.crm_timeline_items = crm_timeline_items
    module.crm_event = crm_event
    return module


@pytest.fixture
def crm_plugins():
    EVENTS.clear()
    return [("probe", _probe())]


async def contact(client, name="Ada"):
    response = await client.post("/api/v1/contacts", json={"given_name": name})
    assert response.status_code == 201, response.text
    return response.json()


async def log(client, **fields):
    response = await client.post("/api/v1/activities", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


def ago(**delta) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(**delta)).isoformat()


def ahead(**delta) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(**delta)).isoformat()


async def test_a_call_with_participants_is_logged_and_announced(crm_client):
    ada = await contact(crm_client)
    call = await log(crm_client, type="call", subject="Intro", direction="outbound", participant_ids=[ada["id"]])
    assert call["participant_ids"] == [ada["id"]]
    assert call["links"] == [{"record_type": "contact", "record_id": ada["id"], "role": "participant"}]
    assert [(event.name, event.activity_id) for event in EVENTS if event.name == "ActivityLogged"] == [
        ("ActivityLogged", call["id"])
    ]


async def test_an_unknown_type_is_a_422_listing_the_known_ones(crm_client):
    response = await crm_client.post("/api/v1/activities", json={"type": "telegram"})
    assert response.status_code == 422
    message = response.json()["errors"]["type"]
    assert "call" in message and "site_visit" in message


async def test_a_plugins_activity_type_is_accepted(crm_client):
    assert (await log(crm_client, type="site_visit"))["type"] == "site_visit"


async def test_the_body_keeps_formatting_and_loses_scripts_styles_and_handlers(crm_client):
    body = (
        '<p onclick="steal()">Hello <b>there</b><script>alert(1)</script><style>p{}</style> '
        '<a href="javascript:steal()">x</a> <a href="https://example.com">site</a></p>'
    )
    note = await log(crm_client, type="note", body=body)
    assert "<b>there</b>" in note["body"]
    assert 'href="https://example.com"' in note["body"]
    for unsafe in ("script", "alert", "style", "onclick", "javascript"):
        assert unsafe not in note["body"]


async def test_links_to_missing_records_or_unknown_plugins_are_422s_naming_them(crm_client):
    response = await crm_client.post(
        "/api/v1/activities",
        json={"type": "note", "participant_ids": [99999],
              "links": [{"record_type": "nosuch.deal", "record_id": 1}, {"record_type": "company", "record_id": 5}]},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"participant_ids[0]", "links[0].record_type", "links[1].record_id"}


async def test_a_link_to_a_kind_no_plugin_registers_is_a_422_naming_the_kinds_there_are(crm_client):
    response = await crm_client.post(
        "/api/v1/activities", json={"type": "note", "links": [{"record_type": "probe.deal", "record_id": 7}]}
    )
    assert response.status_code == 422
    message = response.json()["errors"]["links[0].record_type"]
    assert "unknown record kind 'probe.deal'" in message and "contact" in message


async def test_a_direction_outside_the_list_is_a_422(crm_client):
    response = await crm_client.post("/api/v1/activities", json={"type": "call", "direction": "sideways"})
    assert response.status_code == 422
    assert "direction" in response.json()["errors"]


async def test_posting_an_imported_activity_again_returns_it_with_200(crm_client):
    first = await log(crm_client, type="email", subject="Hi", source="imap", external_id="<m1@x>")
    again = await crm_client.post(
        "/api/v1/activities", json={"type": "email", "subject": "Hi", "source": "imap", "external_id": "<m1@x>"}
    )
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]


async def test_a_past_call_updates_last_contacted_but_a_task_does_not(crm_client):
    ada = await contact(crm_client)
    when = ago(days=2)
    await log(crm_client, type="call", occurred_at=when, participant_ids=[ada["id"]])
    await log(crm_client, type="call", occurred_at=ago(days=5), participant_ids=[ada["id"]])
    await log(crm_client, type="task", occurred_at=ago(hours=1), participant_ids=[ada["id"]])
    seen = (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()["last_contacted_at"]
    assert dt.datetime.fromisoformat(seen) == dt.datetime.fromisoformat(when)


async def test_a_task_is_assigned_to_its_owner_and_done_stamps_done_at(crm_client, crm_admin):
    task = await log(crm_client, type="task", subject="Send quote", due_at=ahead(days=1))
    assert task["is_task"] and task["assignee_id"] == crm_admin[0].id
    assert task["done_at"] is None
    done = (await crm_client.patch(f"/api/v1/activities/{task['id']}", json={"done": True})).json()
    assert done["done"] and done["done_at"] is not None
    reopened = (await crm_client.patch(f"/api/v1/activities/{task['id']}", json={"done": False})).json()
    assert reopened["done_at"] is None


async def test_every_change_is_in_the_history_of_the_contact_and_the_audit_log(crm_client):
    ada = await contact(crm_client)
    await crm_client.patch(f"/api/v1/contacts/{ada['id']}", json={"job_title": "Analyst"})
    entries = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/history")).json()["items"]
    assert [entry["action"] for entry in entries] == ["update", "create"]
    assert entries[0]["changes"]["job_title"] == {"from": "", "to": "Analyst"}
    call = await log(crm_client, type="call", subject="Intro", participant_ids=[ada["id"]])
    await crm_client.patch(f"/api/v1/activities/{call['id']}", json={"subject": "First call"})
    [update, create] = await history("activity", call["id"])
    assert update["changes"]["subject"] == {"from": "Intro", "to": "First call"}
    assert create["changes"]["links"]["to"] == [{"record_type": "contact", "record_id": ada["id"], "role": "participant"}]


async def test_delete_removes_the_activity_from_the_timeline(crm_client):
    ada = await contact(crm_client)
    call = await log(crm_client, type="call", participant_ids=[ada["id"]])
    assert (await crm_client.delete(f"/api/v1/activities/{call['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/activities/{call['id']}")).status_code == 404
    timeline = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/timeline")).json()
    assert [item["kind"] for item in timeline["items"]] == ["deal"]


async def test_timeline_is_newest_first_filtered_by_type_and_merged_with_plugin_items(crm_client):
    ada = await contact(crm_client)
    for days, kind in ((3, "call"), (1, "meeting"), (2, "note")):
        await log(crm_client, type=kind, subject=kind, occurred_at=ago(days=days), participant_ids=[ada["id"]])
    timeline = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/timeline")).json()
    assert [item["title"] for item in timeline["items"]] == ["meeting", "note", "call", "Deal won"]
    calls = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/timeline", params={"types": "call,meeting"})).json()
    assert [item["title"] for item in calls["items"]] == ["meeting", "call", "Deal won"]


async def test_timeline_pages_by_cursor_with_plugin_items_only_on_the_first(crm_client):
    ada = await contact(crm_client)
    for day in range(5):
        await log(crm_client, type="note", subject=f"day {day}", occurred_at=ago(days=day), participant_ids=[ada["id"]])
    url = f"/api/v1/contacts/{ada['id']}/timeline"
    first = (await crm_client.get(url, params={"limit": 2})).json()
    second = (await crm_client.get(url, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    third = (await crm_client.get(url, params={"limit": 2, "cursor": second["next_cursor"]})).json()
    assert [item["title"] for item in first["items"]] == ["day 0", "day 1", "Deal won"]
    assert [item["title"] for item in second["items"]] == ["day 2", "day 3"]
    assert [item["title"] for item in third["items"]] == ["day 4"]
    assert third["next_cursor"] is None


async def test_a_company_timeline_shows_activities_about_it(crm_client):
    acme = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()
    await log(crm_client, type="meeting", subject="Kick-off", links=[{"record_type": "company", "record_id": acme["id"]}])
    timeline = (await crm_client.get(f"/api/v1/companies/{acme['id']}/timeline")).json()
    assert [item["title"] for item in timeline["items"]] == ["Kick-off", "Deal won"]


async def test_a_timeline_page_costs_the_same_queries_for_5_or_40_activities(crm_client, crm_engine):
    async def cost(count):
        person = await contact(crm_client, f"P{count}")
        other = await contact(crm_client, f"O{count}")
        for index in range(count):
            await log(crm_client, type="call", occurred_at=ago(minutes=index), participant_ids=[person["id"], other["id"]])
        before = crm_engine.statements_run
        response = await crm_client.get(f"/api/v1/contacts/{person['id']}/timeline", params={"limit": 50})
        assert len(response.json()["items"]) == count + 1
        return crm_engine.statements_run - before

    assert await cost(5) == await cost(40)


async def test_tasks_lists_my_open_tasks_by_due_date(crm_client):
    await log(crm_client, type="task", subject="late", due_at=ago(days=2))
    await log(crm_client, type="task", subject="soon", due_at=ahead(days=3))
    await log(crm_client, type="follow_up", subject="later", due_at=ahead(days=10))
    await log(crm_client, type="task", subject="finished", due_at=ago(days=1), done=True)
    everything = (await crm_client.get("/api/v1/tasks")).json()
    assert [item["subject"] for item in everything["items"]] == ["late", "soon", "later"]
    overdue = (await crm_client.get("/api/v1/tasks", params={"due": "overdue"})).json()
    assert [item["subject"] for item in overdue["items"]] == ["late"]
    upcoming = (await crm_client.get("/api/v1/tasks", params={"due": "upcoming", "limit": 1})).json()
    assert [item["subject"] for item in upcoming["items"]] == ["soon"]
    rest = (await crm_client.get("/api/v1/tasks", params={"due": "upcoming", "cursor": upcoming["next_cursor"]})).json()
    assert [item["subject"] for item in rest["items"]] == ["later"]


async def test_today_is_the_day_in_the_callers_time_zone(crm_client):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Pacific/Kiritimati")  # UTC+14: its day rarely matches the UTC day
    local_noon = dt.datetime.combine(dt.datetime.now(zone).date(), dt.time(12), tzinfo=zone)
    await log(crm_client, type="task", subject="noon there", due_at=local_noon.isoformat())
    there = (await crm_client.get("/api/v1/tasks", params={"due": "today", "tz": "Pacific/Kiritimati"})).json()
    assert [item["subject"] for item in there["items"]] == ["noon there"]
    assert (await crm_client.get("/api/v1/tasks", params={"due": "today", "tz": "Mars/Olympus"})).status_code == 422
    assert (await crm_client.get("/api/v1/tasks", params={"due": "someday"})).status_code == 422


async def test_members_get_403_on_another_teams_activities(crm_running_app, crm_make_user):
    _, alice_token = await crm_make_user("alice@example.com", team="north")
    _, bea_token = await crm_make_user("bea@example.com", team="south")
    async with client_for(crm_running_app, alice_token) as alice, client_for(crm_running_app, bea_token) as bea:
        ada = await contact(alice)
        call = await log(alice, type="call", participant_ids=[ada["id"]])
        url = f"/api/v1/activities/{call['id']}"
        assert (await bea.get(url)).status_code == 403
        assert (await bea.patch(url, json={"subject": "x"})).status_code == 403
        assert (await bea.delete(url)).status_code == 403
        assert (await bea.get(f"/api/v1/contacts/{ada['id']}/timeline")).status_code == 403
        assert (await bea.get(f"/api/v1/contacts/{ada['id']}/history")).status_code == 403
        # Linking it is refused as if it did not exist (see test_cross_team_access.py).
        response = await bea.post("/api/v1/activities", json={"type": "note", "participant_ids": [ada["id"]]})
        assert response.status_code == 422


async def test_the_assignee_sees_and_completes_a_task_from_another_team(crm_running_app, crm_make_user):
    _, admin_token = await crm_make_user("boss@example.com", role="admin")
    bea, bea_token = await crm_make_user("bea@example.com", team="south")
    await crm_make_user("alice@example.com", team="north")
    async with client_for(crm_running_app, admin_token) as boss, client_for(crm_running_app, bea_token) as bea_client:
        task = await log(boss, type="task", subject="Call back", assignee_id=bea.id, due_at=ahead(days=1))
        assert (await bea_client.get(f"/api/v1/activities/{task['id']}")).status_code == 200
        done = await bea_client.patch(f"/api/v1/activities/{task['id']}", json={"done": True})
        assert done.status_code == 200 and done.json()["done"]
        renamed = await bea_client.patch(f"/api/v1/activities/{task['id']}", json={"subject": "Mine now"})
        assert renamed.status_code == 403
        assert (await bea_client.delete(f"/api/v1/activities/{task['id']}")).status_code == 403
