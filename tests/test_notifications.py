"""Notifications: a plugin (or the core) notifies users with ``toolkit.notify``; each user reads
only their own, in ``/api/v1/notifications``, on the ``/notifications`` page and as the unread
count in the top bar, and marks them read."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import types
from typing import Any

import httpx
import pytest
from crm_hookspecs import Routes, hookimpl
from litestar import post
from litestar.params import JSONBody
from piccolo.apps.migrations.commands.backwards import BackwardsMigrationManager
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.apps.migrations.commands.new import AutoMigrationManager

from crm_platform import toolkit
from crm_platform.db.engine import SQLiteEngine
from crm_platform.migrations import crm_0006_notifications, crm_0007_notification_inbox
from crm_platform.piccolo_app import APP_CONFIG
from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in

MORNING = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


def _notifier() -> types.ModuleType:
    """A plugin that notifies whom a request names, as a plugin's own handler would."""
    module = types.ModuleType("notifier")

    @post("/notify", status_code=201)
    async def send(principal: toolkit.CurrentPrincipal, data: JSONBody[dict[str, Any]]) -> dict[str, list[int]]:
        ids = await toolkit.notify(
            data["user_ids"], data["subject"], body=data.get("body", ""), href=data.get("href", ""),
            kind=data.get("kind", ""), record_type=data.get("record_type"), record_id=data.get("record_id"),
        )
        return {"ids": ids}

    @hookimpl
    def crm_api_routes() -> list[Routes]:
        return [Routes(handlers=(send,))]

    module.crm_api_routes = crm_api_routes
    return module


@pytest.fixture
def crm_plugins():
    return [("notifier", _notifier())]


async def _notify(client: httpx.AsyncClient, **values: Any) -> httpx.Response:
    return await client.post("/api/v1/notifier/notify", json=values)


async def _inbox(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/notifications", params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- sending -----------------------------------------------------------------------------------


async def test_a_plugins_notification_reaches_the_users_list_and_no_one_elses(
    crm_client, crm_member, crm_member_client, crm_manager, crm_manager_client
):
    response = await _notify(
        crm_client, user_ids=[crm_member[0].id], subject="Rex is due a vaccination", body="Book him in.\nSoon.",
        href="/notifier/pets/3", kind="notifier.vaccination", record_type="notifier.pet", record_id=3,
    )
    assert response.status_code == 201, response.text
    [sent] = response.json()["ids"]

    inbox = await _inbox(crm_member_client)
    assert inbox["unread"] == 1 and inbox["next_cursor"] is None
    [item] = inbox["items"]
    assert {key: item[key] for key in ("id", "subject", "body", "href", "kind", "record_type", "record_id", "read_at")} == {
        "id": sent, "subject": "Rex is due a vaccination", "body": "Book him in.\nSoon.", "href": "/notifier/pets/3",
        "kind": "notifier.vaccination", "record_type": "notifier.pet", "record_id": 3, "read_at": None,
    }
    assert await _inbox(crm_manager_client) == {"items": [], "next_cursor": None, "unread": 0}
    assert (await _inbox(crm_client))["items"] == []


async def test_many_users_are_notified_at_once_and_unknown_or_inactive_ones_are_skipped(
    crm_client, crm_admin, crm_member, crm_member_client, crm_manager
):
    # Deactivating a user is the CLI's and the settings page's job; here, the column it sets.
    await toolkit.execute("UPDATE crm_user SET is_active = {} WHERE id = {}", False, crm_manager[0].id)
    response = await _notify(
        crm_client, user_ids=[crm_member[0].id, 999_999, crm_manager[0].id, crm_admin[0].id, crm_member[0].id],
        subject="The office is closed on Friday",
    )
    assert response.status_code == 201, response.text
    assert len(response.json()["ids"]) == 2
    assert [item["subject"] for item in (await _inbox(crm_member_client))["items"]] == ["The office is closed on Friday"]
    assert [item["subject"] for item in (await _inbox(crm_client))["items"]] == ["The office is closed on Friday"]


async def test_notifying_nobody_who_exists_sends_nothing(crm_client):
    response = await _notify(crm_client, user_ids=[424242], subject="Anyone there?")
    assert response.status_code == 201 and response.json() == {"ids": []}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "   "}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"body": "x" * 2001}, "body"),
        ({"href": "https://evil.example/"}, "href"),
        ({"href": "//evil.example/"}, "href"),
        ({"href": "/\\evil.example/"}, "href"),
        ({"href": "contacts/1"}, "href"),
        ({"kind": "Has Spaces"}, "kind"),
        ({"record_type": "contact"}, "record_id"),
        ({"record_id": 4}, "record_type"),
        ({"record_type": "contact", "record_id": "four"}, "record_id"),
        ({"user_ids": 5}, "user_ids"),
        ({"user_ids": ["five"]}, "user_ids"),
    ],
)
async def test_a_bad_notification_is_422_naming_the_field_and_sends_nothing(crm_client, crm_admin, values, field):
    body = {"user_ids": [crm_admin[0].id], "subject": "Fine", **values}
    response = await _notify(crm_client, **body)
    assert response.status_code == 422, response.text
    assert list(response.json()["errors"]) == [field]
    assert (await _inbox(crm_client))["unread"] == 0


async def test_subject_and_body_at_their_limits_are_accepted(crm_client, crm_admin):
    response = await _notify(crm_client, user_ids=[crm_admin[0].id], subject="s" * 200, body="b" * 2000)
    assert response.status_code == 201, response.text


async def test_notify_joins_the_callers_unit_of_work_and_vanishes_with_its_rollback(crm_app, crm_member):
    with pytest.raises(RuntimeError):
        async with toolkit.unit_of_work():
            await toolkit.notify([crm_member[0].id], "Never sent")
            raise RuntimeError("the plugin's own write failed")
    assert await toolkit.fetch("SELECT id FROM crm_notification") == []

    async with toolkit.unit_of_work():
        [sent] = await toolkit.notify([crm_member[0].id], "Sent with the change")
    assert [row["id"] for row in await toolkit.fetch("SELECT id FROM crm_notification")] == [sent]


async def test_notify_refuses_bad_input_with_invalid_naming_the_field(crm_app, crm_member):
    with pytest.raises(toolkit.Invalid) as raised:
        await toolkit.notify([crm_member[0].id], "x" * 201, href="//elsewhere")
    assert set(raised.value.errors) == {"subject", "href"}


# --- reading and marking read ------------------------------------------------------------------


async def test_the_list_pages_newest_first_with_a_cursor(crm_client, crm_member, crm_member_client):
    for number in range(5):
        await _notify(crm_client, user_ids=[crm_member[0].id], subject=f"Note {number}")

    first = await _inbox(crm_member_client, limit=2)
    second = await _inbox(crm_member_client, limit=2, cursor=first["next_cursor"])
    third = await _inbox(crm_member_client, limit=2, cursor=second["next_cursor"])

    pages = [[item["subject"] for item in page["items"]] for page in (first, second, third)]
    assert pages == [["Note 4", "Note 3"], ["Note 2", "Note 1"], ["Note 0"]]
    assert third["next_cursor"] is None
    assert first["unread"] == second["unread"] == 5


async def test_marking_read_by_id_lowers_the_unread_count_and_only_for_your_own(
    crm_client, crm_member, crm_member_client, crm_manager, crm_manager_client
):
    await _notify(crm_client, user_ids=[crm_member[0].id], subject="First")
    await _notify(crm_client, user_ids=[crm_member[0].id], subject="Second")
    [theirs] = (await _notify(crm_client, user_ids=[crm_manager[0].id], subject="The manager's")).json()["ids"]
    second, first = [item["id"] for item in (await _inbox(crm_member_client))["items"]]

    response = await crm_member_client.post("/api/v1/notifications/read", json={"ids": [first, theirs]})
    assert response.status_code == 200, response.text
    assert response.json() == {"marked": 1, "unread": 1}

    assert [item["id"] for item in (await _inbox(crm_member_client, unread="true"))["items"]] == [second]
    everything = (await _inbox(crm_member_client))["items"]
    assert [(item["id"], item["read_at"] is not None) for item in everything] == [(second, False), (first, True)]
    assert (await _inbox(crm_manager_client))["unread"] == 1


async def test_marking_all_read_marks_every_one_of_yours(crm_client, crm_member, crm_member_client, crm_manager_client, crm_manager):
    for number in range(3):
        await _notify(crm_client, user_ids=[crm_member[0].id, crm_manager[0].id], subject=f"Note {number}")
    response = await crm_member_client.post("/api/v1/notifications/read", json={"all": True})
    assert response.json() == {"marked": 3, "unread": 0}
    assert (await _inbox(crm_member_client, unread="true"))["items"] == []
    assert (await _inbox(crm_manager_client))["unread"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"cursor": "not-a-cursor"}, "cursor"),
     ({"unread": "perhaps"}, "unread")],
)
async def test_a_bad_list_request_is_422_naming_the_parameter(crm_client, params, field):
    response = await crm_client.get("/api/v1/notifications", params=params)
    assert response.status_code == 422, response.text
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "ids"), ({"ids": []}, "ids"), ({"ids": [1], "all": True}, "ids"), ({"ids": ["one"]}, "ids"),
     ({"everything": True}, "everything")],
)
async def test_a_bad_mark_read_request_is_422_naming_the_field(crm_client, body, field):
    response = await crm_client.post("/api/v1/notifications/read", json=body)
    assert response.status_code == 422, response.text
    # An unknown field is named in the message of the body's error.
    assert field in str(response.json()["errors"]), response.json()


async def test_a_cursor_of_another_list_pages_by_its_id_alone(crm_client, crm_admin):
    for number in range(3):
        await _notify(crm_client, user_ids=[crm_admin[0].id], subject=f"Note {number}")
    newest = (await _inbox(crm_client))["items"][0]["id"]
    # A contacts list's cursor holds a time where this one holds an id.
    cursor = toolkit.encode_cursor(dt.datetime(2030, 1, 1, tzinfo=dt.UTC), newest)
    assert [item["subject"] for item in (await _inbox(crm_client, cursor=cursor))["items"]] == ["Note 1", "Note 0"]


# --- the core's task reminders -----------------------------------------------------------------


async def test_a_task_falling_due_notifies_its_assignee_linking_to_its_contact(
    crm_client, crm_admin, crm_member, crm_member_client, crm_clock, crm_run_jobs
):
    crm_clock.set(MORNING)
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    task = await crm_client.post("/api/v1/activities", json={
        "type": "task", "subject": "Call Ada back", "due_at": (MORNING + dt.timedelta(hours=1)).isoformat(),
        "assignee_id": crm_member[0].id, "links": [{"record_type": "contact", "record_id": contact["id"]}],
    })
    assert task.status_code == 201, task.text
    await crm_run_jobs()
    [assigned] = (await _inbox(crm_member_client))["items"]  # the admin gave the member the task
    assert assigned["kind"] == "assigned"

    crm_clock.advance(hours=1)
    await crm_run_jobs()
    item, _ = (await _inbox(crm_member_client))["items"]
    assert (item["subject"], item["href"], item["kind"]) == ("Task due: Call Ada back", f"/contacts/{contact['id']}", "task_due")
    assert (item["record_type"], item["record_id"]) == ("activity", task.json()["id"])
    assert item["created_at"].startswith("2030-03-04T10:00")

    crm_clock.advance(minutes=1)
    await crm_run_jobs()
    assert len((await _inbox(crm_member_client))["items"]) == 2
    assert (await _inbox(crm_client))["items"] == []


async def test_a_reminder_for_a_task_without_a_contact_links_home(crm_client, crm_clock, crm_run_jobs):
    crm_clock.set(MORNING)
    await crm_client.post("/api/v1/activities", json={
        "type": "follow_up", "subject": "Write the report", "due_at": MORNING.isoformat()})
    await crm_run_jobs()
    [item] = (await _inbox(crm_client))["items"]
    assert (item["subject"], item["href"]) == ("Task due: Write the report", "/")


# --- the page and the top bar ------------------------------------------------------------------


@pytest.fixture
async def member_browser(crm_running_app, crm_member) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, crm_member[0].email)
        yield client


def _badge(html: str) -> str | None:
    match = re.search(r'class="notify-count" data-unread="(\d+)"', html)
    return match.group(1) if match else None


async def test_the_top_bar_counts_unread_notifications_and_links_to_the_page(crm_client, crm_member, member_browser):
    home = await member_browser.get("/")
    assert 'href="/notifications"' in home.text and _badge(home.text) is None
    for number in range(2):
        await _notify(crm_client, user_ids=[crm_member[0].id], subject=f"Note {number}")
    assert _badge((await member_browser.get("/")).text) == "2"
    assert _badge((await member_browser.get("/contacts")).text) == "2"


async def test_the_page_lists_the_users_notifications_newest_first_with_their_links(
    crm_client, crm_member, crm_manager, member_browser
):
    await _notify(crm_client, user_ids=[crm_member[0].id], subject="Older, with a link", href="/contacts")
    await _notify(crm_client, user_ids=[crm_member[0].id], subject="Newer <b>plain</b>", body="Line one")
    await _notify(crm_client, user_ids=[crm_manager[0].id], subject="Not for the member")

    page = await member_browser.get("/notifications")
    assert page.status_code == 200, page.text
    html = page.text
    assert html.index("Newer &lt;b&gt;plain&lt;/b&gt;") < html.index("Older, with a link")
    assert '<a href="/contacts"><strong>Older, with a link</strong></a>' in html
    assert html.count('class="notification is-unread"') == 2
    assert "Not for the member" not in html
    assert "2 unread" in html and 'id="mark-all-read"' in html


async def test_mark_all_read_on_the_page_clears_the_count(crm_client, crm_member, member_browser):
    await _notify(crm_client, user_ids=[crm_member[0].id], subject="Read me")
    response = await member_browser.post(
        "/notifications/read", data={"_csrf_token": await form_token(member_browser, "/notifications")}
    )
    assert response.status_code == 303 and response.headers["location"] == "/notifications"

    page = await member_browser.get("/notifications")
    assert "All read" in page.text and 'class="notification is-unread"' not in page.text
    assert "Read me" in page.text and _badge(page.text) is None


async def test_mark_all_read_without_the_csrf_token_is_refused(crm_client, crm_member, member_browser):
    await _notify(crm_client, user_ids=[crm_member[0].id], subject="Still unread")
    response = await member_browser.post("/notifications/read", data={})
    assert response.status_code == 403
    assert (await member_browser.get("/notifications")).text.count('class="notification is-unread"') == 1


# --- the migration -----------------------------------------------------------------------------


async def test_the_tables_need_no_migration_beyond_the_committed_ones(crm_app):
    statements = await AutoMigrationManager(auto_input="y").get_alter_statements(app_config=APP_CONFIG)
    assert [statement for group in statements for statement in group.statements] == []


async def _inbox_index(engine) -> list[str]:
    if isinstance(engine, SQLiteEngine):
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'crm_notification'"
    else:
        sql = "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'crm_notification'"
    return [row["name"] for row in await toolkit.fetch(sql) if row["name"] == "crm_notification_inbox"]


async def _backwards_to(migration_id: str) -> None:
    manager = BackwardsMigrationManager(app_name="crm", migration_id=migration_id, auto_agree=True)
    with contextlib.redirect_stdout(io.StringIO()):
        assert (await manager.run()).success


async def test_the_migrations_go_backwards_and_forwards_again(crm_app, crm_engine, crm_member):
    await toolkit.notify([crm_member[0].id], "Before")
    assert await _inbox_index(crm_engine) == ["crm_notification_inbox"]

    await _backwards_to(crm_0007_notification_inbox.ID)
    assert await _inbox_index(crm_engine) == []
    assert len(await toolkit.fetch("SELECT id FROM crm_notification")) == 1

    await _backwards_to(crm_0006_notifications.ID)
    with pytest.raises(Exception, match="crm_notification"):
        await toolkit.fetch("SELECT id FROM crm_notification")

    with contextlib.redirect_stdout(io.StringIO()):
        assert (await run_forwards(app_name="crm")).success
    assert await _inbox_index(crm_engine) == ["crm_notification_inbox"]
    [sent] = await toolkit.notify([crm_member[0].id], "After")
    assert [row["id"] for row in await toolkit.fetch("SELECT id FROM crm_notification")] == [sent]
