"""The calendar page, moving an activity by its reschedule form, and the private iCalendar
feed parsed back with ``icalendar``; each only ever shows what its reader may see."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import icalendar
import pytest

from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in

WEDNESDAY = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)
FEED_URL = re.compile(r'value="(http://testserver/calendar/feed/[^"]+\.ics)"')


@pytest.fixture
def frozen(crm_clock):
    crm_clock.set(WEDNESDAY)


@pytest.fixture
async def people(crm_running_app, crm_make_user, frozen):
    """North's member and manager, signed in through the login form; South's member by API."""
    await crm_make_user("north@example.com", team="north")
    await crm_make_user("boss@example.com", role="manager", team="north")
    south, south_token = await crm_make_user("south@example.com", team="south")
    async with client_for(crm_running_app) as north, client_for(crm_running_app) as boss, \
            client_for(crm_running_app, south_token) as south_api:
        await sign_in(north, "north@example.com")
        await sign_in(boss, "boss@example.com")
        yield north, boss, south_api, south


async def log(client: httpx.AsyncClient, **body) -> dict:
    headers = {} if "authorization" in client.headers else {"x-csrftoken": await form_token(client)}
    response = await client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_week_shows_my_meetings_and_tasks_and_never_another_teams(people):
    north, _, south_api, _ = people
    await log(north, type="meeting", subject="Board review", occurred_at="2026-06-11T10:00:00Z")
    await log(north, type="task", subject="Send the minutes", due_at="2026-06-12T15:00:00Z")
    await log(north, type="note", subject="Just a note", occurred_at="2026-06-11T11:00:00Z")
    await log(south_api, type="meeting", subject="South strategy", occurred_at="2026-06-11T10:00:00Z")
    page = await north.get("/calendar", params={"view": "week", "date": "2026-06-10"})
    assert page.status_code == 200
    assert "Board review" in page.text and "Send the minutes" in page.text
    assert "Just a note" not in page.text and "South strategy" not in page.text
    assert 'data-drop-date="2026-06-08"' in page.text and 'data-drop-date="2026-06-14"' in page.text
    next_week = await north.get("/calendar", params={"view": "week", "date": "2026-06-17"})
    assert "Board review" not in next_week.text


@pytest.mark.parametrize("view, first, last", [
    ("day", "2026-06-10", "2026-06-10"), ("month", "2026-06-01", "2026-07-05"),
])
async def test_the_day_and_month_views_cover_their_days(people, view, first, last):
    north, *_ = people
    page = await north.get("/calendar", params={"view": view, "date": "2026-06-10"})
    days = re.findall(r'data-drop-date="([\d-]+)"', page.text)
    assert (days[0], days[-1]) == (first, last)


async def test_a_member_cannot_open_a_colleagues_calendar_but_a_manager_can(people):
    north, boss, _, south = people
    await log(north, type="call", subject="Call the bank", occurred_at="2026-06-10T14:00:00Z")
    refused = await north.get("/calendar", params={"user": str(south.id)})
    assert refused.status_code == 403
    picker = await boss.get("/calendar")
    ids = dict(re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', picker.text))
    assert "south@example.com" not in picker.text
    member_id = next(user_id for user_id, name in ids.items() if name.startswith("north"))
    theirs = await boss.get("/calendar", params={"user": member_id, "date": "2026-06-10"})
    assert "Call the bank" in theirs.text


async def test_the_reschedule_form_moves_a_meeting_to_another_day(people):
    north, *_ = people
    meeting = await log(north, type="meeting", subject="Board review", occurred_at="2026-06-11T10:00:00Z")
    form = await north.get(f"/calendar/activities/{meeting['id']}/move", params={"next": "/calendar?view=week&date=2026-06-10"})
    assert form.status_code == 200
    assert 'value="2026-06-11"' in form.text and 'value="10:00"' in form.text and "Board review" in form.text
    token = await form_token(north, f"/calendar/activities/{meeting['id']}/move")
    moved = await north.post(f"/calendar/activities/{meeting['id']}/move", data={
        "_csrf_token": token, "date": "2026-06-13", "time": "16:30", "next": "/calendar?view=week&date=2026-06-10"})
    assert moved.status_code == 303
    assert moved.headers["location"] == "/calendar?view=week&date=2026-06-10"
    headers = {"x-csrftoken": token}
    stored = (await north.get(f"/api/v1/activities/{meeting['id']}", headers=headers)).json()
    assert stored["occurred_at"] == "2026-06-13T16:30:00Z"  # the browser's zone is UTC until it says otherwise
    bad = await north.post(f"/calendar/activities/{meeting['id']}/move", data={"_csrf_token": token, "date": "soon"})
    assert bad.status_code == 422 and "must be a date" in bad.text


async def test_a_member_cannot_move_another_teams_meeting(people):
    north, _, south_api, _ = people
    theirs = await log(south_api, type="meeting", subject="South strategy", occurred_at="2026-06-11T10:00:00Z")
    token = await form_token(north, "/calendar")
    assert (await north.get(f"/calendar/activities/{theirs['id']}/move")).status_code == 403
    refused = await north.post(f"/calendar/activities/{theirs['id']}/move", data={
        "_csrf_token": token, "date": "2026-06-13", "time": "10:00"})
    assert refused.status_code == 403
    assert (await south_api.get(f"/api/v1/activities/{theirs['id']}")).json()["occurred_at"] == "2026-06-11T10:00:00Z"


async def _make_feed(client: httpx.AsyncClient) -> str:
    token = await form_token(client, "/calendar")
    page = await client.post("/calendar/feed-url", data={"_csrf_token": token})
    assert page.status_code == 200
    match = FEED_URL.search(page.text)
    assert match, "the page shows the new feed address"
    return match.group(1)


async def test_the_feed_is_valid_icalendar_with_my_events_and_tasks_only(people, crm_running_app):
    north, _, south_api, _ = people
    meeting = await log(north, type="meeting", subject="Budget; Q3, draft\nround two",
                        body="<p>Bring the <b>numbers</b> &amp; the plan</p>", occurred_at="2026-06-11T10:00:00Z")
    todo = await log(north, type="follow_up", subject="Chase " + "the signed contract " * 6, due_at="2026-06-12T15:00:00Z")
    await log(south_api, type="meeting", subject="South strategy", occurred_at="2026-06-11T10:00:00Z")
    url = await _make_feed(north)
    async with client_for(crm_running_app) as anonymous:  # no session: the token is the credential
        response = await anonymous.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    raw = response.content
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    document = icalendar.Calendar.from_ical(raw)
    assert document["VERSION"] == "2.0" and document["PRODID"]
    events = {str(item["UID"]): item for item in document.walk("VEVENT")}
    todos = {str(item["UID"]): item for item in document.walk("VTODO")}
    event = events[f"activity-{meeting['id']}@testserver"]
    assert str(event["SUMMARY"]) == "Budget; Q3, draft\nround two"
    assert str(event["DESCRIPTION"]) == "Bring the numbers & the plan"
    assert event.decoded("DTSTART") == dt.datetime(2026, 6, 11, 10, 0, tzinfo=dt.UTC)
    assert event.decoded("DURATION") == dt.timedelta(hours=1)
    assert "DTSTAMP" in event
    task = todos[f"activity-{todo['id']}@testserver"]
    assert task.decoded("DUE") == dt.datetime(2026, 6, 12, 15, 0, tzinfo=dt.UTC)
    assert str(task["STATUS"]) == "NEEDS-ACTION"
    assert "South strategy" not in raw.decode()
    assert len(events) == 1 and len(todos) == 1


async def test_a_moved_meeting_keeps_its_uid_in_the_feed(people, crm_running_app):
    north, *_ = people
    meeting = await log(north, type="meeting", subject="Board review", occurred_at="2026-06-11T10:00:00Z")
    url = await _make_feed(north)
    token = await form_token(north, "/calendar")
    await north.post(f"/calendar/activities/{meeting['id']}/move", data={"_csrf_token": token, "date": "2026-06-15", "time": "09:00"})
    async with client_for(crm_running_app) as anonymous:
        document = icalendar.Calendar.from_ical((await anonymous.get(url.removeprefix("http://testserver"))).content)
    [event] = document.walk("VEVENT")
    assert str(event["UID"]) == f"activity-{meeting['id']}@testserver"
    assert event.decoded("DTSTART") == dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


async def test_a_revoked_or_replaced_feed_address_answers_404(people, crm_running_app):
    north, *_ = people
    first = (await _make_feed(north)).removeprefix("http://testserver")
    second = (await _make_feed(north)).removeprefix("http://testserver")
    async with client_for(crm_running_app) as anonymous:
        assert (await anonymous.get(first)).status_code == 404
        assert (await anonymous.get(second)).status_code == 200
        token = await form_token(north, "/calendar")
        assert (await north.post("/calendar/feed-url/revoke", data={"_csrf_token": token})).status_code == 303
        assert (await anonymous.get(second)).status_code == 404
        assert (await anonymous.get("/calendar/feed/not-a-token.ics")).status_code == 404
        assert (await anonymous.get("/calendar")).status_code == 302  # the page itself needs a session


async def test_the_feed_token_is_stored_hashed(people):
    north, *_ = people
    url = await _make_feed(north)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    from crm_platform.db.raw import fetch

    stored = await fetch("SELECT token_hash FROM crm_calendar_feed")
    assert len(stored) == 1 and stored[0]["token_hash"] != token and token not in stored[0]["token_hash"]


async def test_a_drop_answers_htmx_with_the_calendar_and_a_toast(people):
    north, *_ = people
    meeting = await log(north, type="meeting", subject="Board review", occurred_at="2026-06-11T10:00:00Z")
    token = await form_token(north, "/calendar")
    moved = await north.post(f"/calendar/activities/{meeting['id']}/move", headers={"hx-request": "true"}, data={
        "_csrf_token": token, "date": "2026-06-12", "time": "10:00", "next": "/calendar?view=week&date=2026-06-10"})
    assert moved.status_code == 200, moved.text
    assert moved.headers["x-toast"] == "Meeting moved to Fri 12 Jun 10:00"
    friday = re.search(r'data-drop-date="2026-06-12">(.*?)</li>\s*<li class="cal-day', moved.text, re.S)
    assert friday and "Board review" in friday.group(1)


async def test_a_subscriber_asking_again_gets_304_until_something_changes(people, crm_running_app):
    north, *_ = people
    meeting = await log(north, type="meeting", subject="Board review", occurred_at="2026-06-11T10:00:00Z")
    path = (await _make_feed(north)).removeprefix("http://testserver")
    async with client_for(crm_running_app) as anonymous:
        first = await anonymous.get(path)
        tag = first.headers["etag"]
        assert (await anonymous.get(path, headers={"if-none-match": tag})).status_code == 304
        token = await form_token(north, "/calendar")
        await north.post(f"/calendar/activities/{meeting['id']}/move", data={"_csrf_token": token, "date": "2026-06-15", "time": "09:00"})
        again = await anonymous.get(path, headers={"if-none-match": tag})
    assert again.status_code == 200 and again.headers["etag"] != tag
