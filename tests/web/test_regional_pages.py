"""Pages in the user's regional preferences: the preferences page, times on the timeline in
the user's zone and date format, a meeting's end, and weeks starting on the chosen day."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in

KICKOFF = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
async def member_browser(crm_running_app, crm_member) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "member@example.com")
        yield client


async def _save(client: httpx.AsyncClient, **values: str) -> httpx.Response:
    token = await form_token(client, "/account/preferences")
    return await client.post("/account/preferences", data={"_csrf_token": token, **values})


async def _contact_with_meeting(client: httpx.AsyncClient) -> int:
    contact = (await client.post("/api/v1/contacts", json={"given_name": "Priya"})).json()
    response = await client.post("/api/v1/activities", json={
        "type": "meeting", "subject": "Kick-off", "occurred_at": KICKOFF.isoformat(),
        "ends_at": (KICKOFF + dt.timedelta(minutes=90)).isoformat(),
        "links": [{"record_type": "contact", "record_id": contact["id"]}]})
    assert response.status_code == 201, response.text
    return contact["id"]


async def test_the_preferences_page_saves_and_says_so(member_browser):
    page = await member_browser.get("/account/preferences")
    assert page.status_code == 200
    assert "Instance default (EUR)" in page.text and 'value="Asia/Kolkata"' in page.text
    saved = await _save(member_browser, time_zone="Asia/Kolkata", date_format="YYYY-MM-DD", currency="",
                        phone_region="", number_format="", week_start="")
    assert saved.status_code == 303
    after = await member_browser.get("/account/preferences")
    assert "Your preferences were saved." in after.text
    assert '<option value="Asia/Kolkata" selected>' in after.text


async def test_a_wrong_choice_shows_beside_its_field_and_saves_nothing(member_browser, crm_member_client):
    refused = await _save(member_browser, time_zone="Nowhere/Land", currency="USD")
    assert refused.status_code == 422
    assert "Nothing was saved" in refused.text and "&#39;Nowhere/Land&#39; is not a time zone" in refused.text
    assert (await crm_member_client.get("/api/v1/account/preferences")).json()["currency"] == "EUR"


async def test_the_timeline_shows_times_in_the_users_zone_and_date_format(member_browser, crm_member_client):
    contact_id = await _contact_with_meeting(crm_member_client)
    await _save(member_browser, time_zone="UTC")
    page = (await member_browser.get(f"/contacts/{contact_id}")).text
    assert 'title="5 Mar 2026 09:00"' in page and "10:30</time>" in page
    await _save(member_browser, time_zone="America/New_York", date_format="MM/DD/YYYY")
    page = (await member_browser.get(f"/contacts/{contact_id}")).text
    assert 'title="03/05/2026 04:00"' in page and "05:30</time>" in page


async def test_the_instance_zone_applies_until_the_user_chooses(crm_client, member_browser, crm_member_client):
    contact_id = await _contact_with_meeting(crm_member_client)
    await crm_client.put("/api/v1/settings/core/time_zone", json={"value": "Asia/Tokyo"})
    page = (await member_browser.get(f"/contacts/{contact_id}")).text
    assert 'title="5 Mar 2026 18:00"' in page


async def test_the_calendar_week_starts_on_the_chosen_day(member_browser, crm_member_client):
    await _save(member_browser, week_start="sunday", time_zone="UTC")
    page = (await member_browser.get("/calendar?view=week&date=2026-03-05")).text
    days = [part.split('"')[0] for part in page.split('data-drop-date="')[1:]]
    assert days[0] == "2026-03-01" and days[-1] == "2026-03-07"
    await _save(member_browser, week_start="monday", time_zone="UTC")
    page = (await member_browser.get("/calendar?view=week&date=2026-03-05")).text
    assert [part.split('"')[0] for part in page.split('data-drop-date="')[1:]][0] == "2026-03-02"


async def test_the_calendar_shows_a_meetings_end(member_browser, crm_member_client):
    await _contact_with_meeting(crm_member_client)
    await _save(member_browser, time_zone="UTC")
    page = (await member_browser.get("/calendar?view=day&date=2026-03-05")).text
    assert "09:00</time>–10:30" in page


async def test_a_quick_log_whose_end_is_before_its_start_is_refused_on_the_form(member_browser, crm_member_client):
    contact = (await crm_member_client.post("/api/v1/contacts", json={"given_name": "Priya"})).json()
    await _save(member_browser, time_zone="UTC")
    token = await form_token(member_browser, f"/contacts/{contact['id']}")
    response = await member_browser.post(f"/contacts/{contact['id']}/activities", data={
        "_csrf_token": token, "type": "meeting", "subject": "Backwards",
        "occurred_at": "2026-03-05T10:00", "ends_at": "2026-03-05T09:00"})
    assert response.status_code == 422
    assert "must not be before the start" in response.text
