"""The tasks page: true counts per due window, filters, bulk done and reschedule with a toast,
and only what the reader may see."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def north(crm_running_app, crm_make_user, crm_clock):
    crm_clock.set(NOW)
    _, token = await crm_make_user("north@example.com", team="north")
    async with client_for(crm_running_app) as browser, client_for(crm_running_app, token) as api:
        await sign_in(browser, "north@example.com")
        yield browser, api


async def task(api, subject, due, **extra):
    response = await api.post("/api/v1/activities", json={"type": "task", "subject": subject, "due_at": due.isoformat(), **extra})
    assert response.status_code == 201, response.text
    return response.json()


def count(page: str, tab: str) -> int:
    match = re.search(rf'data-due-tab="{tab}".*?data-count="(\d+)"', page, re.S)
    assert match, f"the {tab} tab shows its count"
    return int(match.group(1))


async def test_the_tabs_show_true_counts_and_filter_the_list(north):
    browser, api = north
    for day in range(60):  # more than a page
        await task(api, f"later {day}", NOW + dt.timedelta(days=10 + day))
    await task(api, "overdue one", NOW - dt.timedelta(days=1))
    page = (await browser.get("/tasks")).text
    assert count(page, "all") == 61 and count(page, "overdue") == 1 and count(page, "upcoming") == 60
    assert page.count('name="ids"') == 50 and 'rel="next"' in page
    overdue = (await browser.get("/tasks?due=overdue")).text
    assert "overdue one" in overdue and "later 0" not in overdue
    assert count(overdue, "all") == 61  # the counts do not depend on the chosen tab


async def test_the_linked_record_filter_names_the_record(north, crm_make_user, crm_running_app):
    browser, api = north
    ann = (await api.post("/api/v1/contacts", json={"given_name": "Ann", "family_name": "Lee"})).json()
    await task(api, "call Ann", NOW + dt.timedelta(days=1), links=[{"record_type": "contact", "record_id": ann["id"]}])
    await task(api, "other", NOW + dt.timedelta(days=1))
    page = (await browser.get(f"/tasks?record=contact:{ann['id']}")).text
    assert "Linked to <strong>Ann Lee</strong>" in page
    assert "call Ann" in page and ">other<" not in page


async def test_bulk_done_answers_htmx_with_the_new_list_and_a_toast(north):
    browser, api = north
    first = await task(api, "first", NOW + dt.timedelta(hours=1))
    second = await task(api, "second", NOW + dt.timedelta(hours=2))
    await task(api, "third", NOW + dt.timedelta(hours=3))
    token = await form_token(browser, "/tasks")
    response = await browser.post("/tasks/bulk", headers={"hx-request": "true"}, data={
        "_csrf_token": token, "action": "done", "ids": [str(first["id"]), str(second["id"])], "back": "/tasks?"})
    assert response.status_code == 200
    assert response.headers["x-toast"] == "2 tasks marked done"
    assert "third" in response.text and ">first<" not in response.text
    assert count(response.text, "all") == 1


async def test_bulk_reschedule_by_days_without_htmx_redirects_back(north):
    browser, api = north
    late = await task(api, "late", NOW - dt.timedelta(days=2))
    token = await form_token(browser, "/tasks")
    response = await browser.post("/tasks/bulk", data={
        "_csrf_token": token, "action": "reschedule", "days": "+3", "ids": str(late["id"]), "back": "/tasks?due=overdue"})
    assert response.status_code == 303 and response.headers["location"] == "/tasks?due=overdue"
    assert (await api.get(f"/api/v1/activities/{late['id']}")).json()["due_at"] == "2026-06-11T12:00:00Z"
    refused = await browser.post("/tasks/bulk", data={
        "_csrf_token": token, "action": "reschedule", "ids": str(late["id"]), "back": "/tasks"})
    assert refused.status_code == 422 and "choose a date, or a number of days" in refused.text


async def test_another_teams_tasks_and_names_never_show(north, crm_make_user, crm_running_app):
    browser, api = north
    _, south_token = await crm_make_user("south@example.com", team="south")
    async with client_for(crm_running_app, south_token) as south:
        secret = (await south.post("/api/v1/contacts", json={"given_name": "Secret", "family_name": "Client"})).json()
        hidden = await task(south, "south plan", NOW + dt.timedelta(days=1),
                            links=[{"record_type": "contact", "record_id": secret["id"]}])
    page = (await browser.get("/tasks?assignee=all")).text
    assert "south plan" not in page and count(page, "all") == 0
    by_record = await browser.get(f"/tasks?record=contact:{secret['id']}&assignee=all")
    assert "Secret Client" not in by_record.text
    token = await form_token(browser, "/tasks")
    refused = await browser.post("/tasks/bulk", headers={"hx-request": "true"}, data={
        "_csrf_token": token, "action": "done", "ids": str(hidden["id"]), "back": "/tasks"})
    assert refused.status_code == 422 and "do not have access" in refused.text


async def test_my_day_shows_true_totals_linking_to_the_tasks_page(north):
    browser, api = north
    for hours in range(1, 13):
        await task(api, f"late {hours}", NOW - dt.timedelta(days=1, hours=hours))
    page = (await browser.get("/")).text
    assert '<a href="/tasks?due=overdue&amp;assignee=me">12 overdue</a>' in page
