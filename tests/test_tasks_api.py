"""``/api/v1/tasks``: filters by due window, assignee and linked record, true counts, keyset
pages, bulk done and reschedule, and the visibility rule on all of them."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform.testing import client_for

NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)  # a Wednesday


@pytest.fixture
def frozen(crm_clock):
    crm_clock.set(NOW)
    return crm_clock


async def task(client, subject, due, **extra):
    response = await client.post("/api/v1/activities", json={
        "type": extra.pop("type", "task"), "subject": subject, "due_at": due.isoformat(), **extra})
    assert response.status_code == 201, response.text
    return response.json()


def subjects(page):
    return [item["subject"] for item in page["items"]]


async def test_counts_are_the_totals_of_each_due_window_whatever_the_page(crm_client, frozen):
    await task(crm_client, "last week", NOW - dt.timedelta(days=7))
    await task(crm_client, "this morning", NOW - dt.timedelta(hours=2))
    await task(crm_client, "tonight", NOW + dt.timedelta(hours=6))
    await task(crm_client, "friday", NOW + dt.timedelta(days=2))
    await task(crm_client, "next month", NOW + dt.timedelta(days=30), type="follow_up")
    await task(crm_client, "finished", NOW + dt.timedelta(days=1), done=True)

    page = (await crm_client.get("/api/v1/tasks", params={"limit": 1})).json()
    assert subjects(page) == ["last week"]
    assert page["counts"] == {"all": 5, "overdue": 2, "today": 2, "week": 3, "upcoming": 2}

    week = (await crm_client.get("/api/v1/tasks", params={"due": "week"})).json()
    assert subjects(week) == ["this morning", "tonight", "friday"]
    overdue = (await crm_client.get("/api/v1/tasks", params={"due": "overdue"})).json()
    assert subjects(overdue) == ["last week", "this morning"]


async def test_pages_follow_the_cursor_to_the_end(crm_client, frozen):
    for day in range(5):
        await task(crm_client, f"day {day}", NOW + dt.timedelta(days=day + 1))
    seen, cursor = [], None
    while True:
        page = (await crm_client.get("/api/v1/tasks", params={"limit": 2, **({"cursor": cursor} if cursor else {})})).json()
        seen += subjects(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"day {day}" for day in range(5)]


async def test_filters_by_linked_record_and_by_assignee(crm_client, crm_make_user, frozen):
    colleague, _ = await crm_make_user("colleague@example.com", role="member")
    ann = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ann"})).json()
    await task(crm_client, "call Ann", NOW + dt.timedelta(days=1), links=[{"record_type": "contact", "record_id": ann["id"]}])
    await task(crm_client, "call Bob", NOW + dt.timedelta(days=1))
    await task(crm_client, "theirs", NOW + dt.timedelta(days=1), assignee_id=colleague.id)

    about_ann = (await crm_client.get("/api/v1/tasks", params={"record": f"contact:{ann['id']}"})).json()
    assert subjects(about_ann) == ["call Ann"]
    assert about_ann["counts"]["all"] == 1
    mine = (await crm_client.get("/api/v1/tasks", params={"assignee": "me"})).json()
    assert sorted(subjects(mine)) == ["call Ann", "call Bob"]
    theirs = (await crm_client.get("/api/v1/tasks", params={"assignee": str(colleague.id)})).json()
    assert subjects(theirs) == ["theirs"]
    everyone = (await crm_client.get("/api/v1/tasks")).json()  # an admin sees everyone's by default
    assert everyone["counts"]["all"] == 3


@pytest.mark.parametrize("params, field", [
    ({"due": "someday"}, "due"), ({"assignee": "boss"}, "assignee"), ({"record": "contact"}, "record"),
    # A superscript one is a digit to str.isdigit() but not to int(): it was a 500.
    ({"assignee": "¹"}, "assignee"), ({"record": "contact:¹"}, "record"),
    ({"record": "spaceship:1"}, "record"), ({"tz": "Mars/Olympus"}, "tz"),
])
async def test_a_bad_filter_is_a_422_naming_it(crm_client, params, field):
    response = await crm_client.get("/api/v1/tasks", params=params)
    assert response.status_code == 422, response.text
    assert field in response.text


async def test_members_never_see_or_count_another_teams_tasks(crm_running_app, crm_make_user, frozen):
    _, north_token = await crm_make_user("north@example.com", team="north")
    north_mate, mate_token = await crm_make_user("mate@example.com", team="north")
    _, south_token = await crm_make_user("south@example.com", team="south")
    async with client_for(crm_running_app, north_token) as north, client_for(crm_running_app, south_token) as south, \
            client_for(crm_running_app, mate_token) as mate:
        await task(north, "north plan", NOW + dt.timedelta(days=1))
        await task(mate, "mate plan", NOW + dt.timedelta(days=1))
        await task(south, "south secret", NOW + dt.timedelta(days=1))

        for assignee in ("me", "team", "all", str(north_mate.id)):
            page = (await south.get("/api/v1/tasks", params={"assignee": assignee})).json()
            assert "north plan" not in subjects(page) and "mate plan" not in subjects(page)
        everything = (await south.get("/api/v1/tasks", params={"assignee": "all"})).json()
        assert subjects(everything) == ["south secret"]
        assert everything["counts"]["all"] == 1
        team = (await north.get("/api/v1/tasks", params={"assignee": "team"})).json()
        assert sorted(subjects(team)) == ["mate plan", "north plan"]
        assert team["counts"]["week"] == 2


async def test_bulk_done_closes_every_task_given(crm_client, frozen):
    first = await task(crm_client, "one", NOW + dt.timedelta(days=1))
    second = await task(crm_client, "two", NOW + dt.timedelta(days=2))
    await task(crm_client, "three", NOW + dt.timedelta(days=3))
    response = await crm_client.post("/api/v1/tasks/done", json={"ids": [first["id"], second["id"]]})
    assert response.status_code == 200, response.text
    assert response.json() == {"ids": [first["id"], second["id"]]}
    page = (await crm_client.get("/api/v1/tasks")).json()
    assert subjects(page) == ["three"]
    assert (await crm_client.get(f"/api/v1/activities/{first['id']}")).json()["done"] is True


async def test_bulk_changes_all_or_nothing(crm_running_app, crm_make_user, frozen):
    _, north_token = await crm_make_user("north@example.com", team="north")
    _, south_token = await crm_make_user("south@example.com", team="south")
    async with client_for(crm_running_app, north_token) as north, client_for(crm_running_app, south_token) as south:
        mine = await task(north, "mine", NOW + dt.timedelta(days=1))
        hidden = await task(south, "theirs", NOW + dt.timedelta(days=1))
        meeting = (await north.post("/api/v1/activities", json={"type": "meeting", "subject": "Kick-off"})).json()

        refused = await north.post("/api/v1/tasks/done", json={"ids": [mine["id"], hidden["id"]]})
        assert refused.status_code == 403, refused.text
        not_a_task = await north.post("/api/v1/tasks/done", json={"ids": [mine["id"], meeting["id"]]})
        assert not_a_task.status_code == 422 and "not a task" in not_a_task.text
        assert (await north.get(f"/api/v1/activities/{mine['id']}")).json()["done"] is False
        assert (await south.get(f"/api/v1/activities/{hidden['id']}")).json()["done"] is False
        assert (await north.post("/api/v1/tasks/done", json={"ids": []})).status_code == 422


async def test_bulk_reschedule_to_a_date_keeps_each_tasks_local_time(crm_client, frozen):
    morning = await task(crm_client, "morning", dt.datetime(2026, 6, 11, 7, 30, tzinfo=dt.UTC))  # 09:30 in Paris
    evening = await task(crm_client, "evening", dt.datetime(2026, 6, 12, 16, 0, tzinfo=dt.UTC))
    response = await crm_client.post("/api/v1/tasks/reschedule", json={
        "ids": [morning["id"], evening["id"]], "date": "2026-12-01", "tz": "Europe/Paris"})
    assert response.status_code == 200, response.text
    moved = {item["subject"]: item["due_at"] for item in (await crm_client.get("/api/v1/tasks")).json()["items"]}
    # December is winter time in Paris (UTC+1): 09:30 there is 08:30 UTC.
    assert moved == {"morning": "2026-12-01T08:30:00Z", "evening": "2026-12-01T17:00:00Z"}


async def test_bulk_reschedule_by_days(crm_client, frozen):
    late = await task(crm_client, "late", NOW - dt.timedelta(days=1))
    response = await crm_client.post("/api/v1/tasks/reschedule", json={"ids": [late["id"]], "days": 3})
    assert response.status_code == 200, response.text
    assert (await crm_client.get(f"/api/v1/activities/{late['id']}")).json()["due_at"] == "2026-06-12T12:00:00Z"
    both = await crm_client.post("/api/v1/tasks/reschedule", json={"ids": [late["id"]], "days": 1, "date": "2026-01-01"})
    assert both.status_code == 422 and "either a date or a number of days" in both.text
    neither = await crm_client.post("/api/v1/tasks/reschedule", json={"ids": [late["id"]]})
    assert neither.status_code == 422


async def test_the_tasks_list_costs_the_same_statements_for_3_or_30_tasks(crm_client, crm_engine, frozen):
    async def cost():
        before = crm_engine.statements_run
        response = await crm_client.get("/api/v1/tasks", params={"tz": "Europe/Paris"})
        assert response.status_code == 200
        return crm_engine.statements_run - before

    ann = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ann"})).json()
    link = [{"record_type": "contact", "record_id": ann["id"]}]
    for day in range(3):
        await task(crm_client, f"t{day}", NOW + dt.timedelta(days=day), links=link)
    few = min([await cost() for _ in range(3)])
    for day in range(27):
        await task(crm_client, f"u{day}", NOW + dt.timedelta(days=day), links=link)
    assert min([await cost() for _ in range(3)]) == few
