"""An activity's optional end: a meeting from 09:00 to 10:30 lasts that long on the
calendar and in the iCalendar feed; an end before the start is refused naming the field;
moving the start moves the end with it."""

from __future__ import annotations

import datetime as dt

from crm_platform.activities import calendar

START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)


async def _meeting(client, **extra) -> dict:
    contact = (await client.post("/api/v1/contacts", json={"given_name": "Mia"})).json()
    body = {"type": "meeting", "subject": "Kick-off", "occurred_at": START.isoformat(),
            "links": [{"record_type": "contact", "record_id": contact["id"]}]} | extra
    response = await client.post("/api/v1/activities", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_a_meeting_keeps_its_end_and_the_calendar_shows_its_length(crm_client, crm_admin):
    meeting = await _meeting(crm_client, ends_at=(START + dt.timedelta(minutes=90)).isoformat())
    assert _at(meeting["ends_at"]) == START + dt.timedelta(minutes=90)
    assert _at((await crm_client.get(f"/api/v1/activities/{meeting['id']}")).json()["ends_at"]) == _at(meeting["ends_at"])
    [entry] = await calendar.entries(crm_admin[0], crm_admin[0].id, START - dt.timedelta(hours=1), START + dt.timedelta(days=1))
    assert entry.minutes == 90


async def test_a_meeting_without_an_end_shows_as_an_hour(crm_client, crm_admin):
    meeting = await _meeting(crm_client)
    assert meeting["ends_at"] is None
    [entry] = await calendar.entries(crm_admin[0], crm_admin[0].id, START - dt.timedelta(hours=1), START + dt.timedelta(days=1))
    assert entry.minutes == 60


async def test_an_end_before_the_start_is_refused_naming_it_and_nothing_is_stored(crm_client):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Mia"})).json()
    response = await crm_client.post("/api/v1/activities", json={
        "type": "meeting", "subject": "Backwards", "occurred_at": START.isoformat(),
        "ends_at": (START - dt.timedelta(minutes=5)).isoformat(),
        "links": [{"record_type": "contact", "record_id": contact["id"]}]})
    assert response.status_code == 422
    assert response.json()["errors"]["ends_at"] == "must not be before the start (occurred_at)"
    timeline = (await crm_client.get(f"/api/v1/contacts/{contact['id']}/timeline")).json()
    assert timeline["items"] == []


async def test_an_end_over_a_month_after_the_start_is_refused(crm_client):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Mia"})).json()
    response = await crm_client.post("/api/v1/activities", json={
        "type": "meeting", "occurred_at": START.isoformat(), "ends_at": (START + dt.timedelta(days=40)).isoformat(),
        "links": [{"record_type": "contact", "record_id": contact["id"]}]})
    assert response.status_code == 422
    assert "31 days" in response.json()["errors"]["ends_at"]


async def test_moving_the_start_moves_the_end_with_it(crm_client):
    meeting = await _meeting(crm_client, ends_at=(START + dt.timedelta(minutes=45)).isoformat())
    later = START + dt.timedelta(days=1, hours=2)
    moved = await crm_client.patch(f"/api/v1/activities/{meeting['id']}", json={"occurred_at": later.isoformat()})
    assert moved.status_code == 200, moved.text
    assert _at(moved.json()["ends_at"]) == later + dt.timedelta(minutes=45)


async def test_an_end_is_changed_and_cleared(crm_client):
    meeting = await _meeting(crm_client)
    changed = await crm_client.patch(f"/api/v1/activities/{meeting['id']}", json={
        "ends_at": (START + dt.timedelta(minutes=20)).isoformat()})
    assert _at(changed.json()["ends_at"]) == START + dt.timedelta(minutes=20)
    wrong = await crm_client.patch(f"/api/v1/activities/{meeting['id']}", json={
        "ends_at": (START - dt.timedelta(hours=1)).isoformat()})
    assert wrong.status_code == 422 and "ends_at" in wrong.json()["errors"]
    cleared = await crm_client.patch(f"/api/v1/activities/{meeting['id']}", json={"ends_at": None})
    assert cleared.json()["ends_at"] is None
