"""Notifications reach people in the app and by email, as each chooses per kind: task due and
overdue reminders, "assigned to you", "@mentioned", through a real SMTP server (``crm_smtp``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from crm_platform import toolkit
from crm_platform.notifications.sources import mentioned_user_ids
from crm_platform.testing import SMTP_BASE_URL, client_for
from tests.web.helpers import form_token, sign_in

MORNING = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


async def _inbox(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/notifications")
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def _due_task(client: httpx.AsyncClient, assignee_id: int, subject: str = "Call Ada back") -> tuple[int, int]:
    contact = (await client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    task = await client.post("/api/v1/activities", json={
        "type": "task", "subject": subject, "due_at": MORNING.isoformat(), "assignee_id": assignee_id,
        "links": [{"record_type": "contact", "record_id": contact["id"]}],
    })
    assert task.status_code == 201, task.text
    return contact["id"], task.json()["id"]


def _sent(outcomes) -> list:
    return [outcome for outcome in outcomes if outcome.job_name == "core.send_emails"]


async def test_a_due_task_reaches_its_assignee_in_the_app_and_by_email(
    crm_client, crm_member, crm_member_client, crm_clock, crm_run_jobs, crm_smtp
):
    crm_clock.set(MORNING - dt.timedelta(minutes=1))
    contact_id, _ = await _due_task(crm_client, crm_member[0].id, subject="Call <Ada> & Bob")
    await crm_run_jobs()  # nothing is due yet; "assigned to you" goes out
    crm_smtp.messages.clear()

    crm_clock.set(MORNING)
    outcomes = await crm_run_jobs()
    assert [outcome.ok for outcome in _sent(outcomes)] == [True]
    [item] = [item for item in await _inbox(crm_member_client) if item["kind"] == "task_due"]
    assert item["subject"] == "Task due: Call <Ada> & Bob"
    [email] = crm_smtp.to(crm_member[0].email)
    assert email.subject == "Task due: Call <Ada> & Bob"
    link = f"{SMTP_BASE_URL}/contacts/{contact_id}"
    assert f"Open it: {link}" in email.body()
    html = email.body("html")
    assert f'<a href="{link}">' in html and "Call &lt;Ada&gt; &amp; Bob" in html and "<Ada>" not in html


async def test_an_open_task_a_day_past_its_reminder_is_overdue_once(
    crm_client, crm_member, crm_member_client, crm_clock, crm_run_jobs, crm_smtp
):
    crm_clock.set(MORNING)
    await _due_task(crm_client, crm_member[0].id)
    await crm_run_jobs()
    crm_clock.advance(hours=23, minutes=59)
    await crm_run_jobs()
    assert [item["kind"] for item in await _inbox(crm_member_client)] == ["task_due", "assigned"]

    crm_clock.advance(minutes=1)
    await crm_run_jobs()
    crm_clock.advance(minutes=1)
    await crm_run_jobs()
    items = await _inbox(crm_member_client)
    assert [(item["kind"], item["subject"]) for item in items][0] == ("task_overdue", "Task overdue: Call Ada back")
    assert len(items) == 3
    assert [email.subject for email in crm_smtp.to(crm_member[0].email)][-1] == "Task overdue: Call Ada back"


async def test_with_email_turned_off_for_a_kind_no_email_is_sent_but_the_app_still_shows_it(
    crm_client, crm_member, crm_member_client, crm_clock, crm_run_jobs, crm_smtp
):
    changed = await crm_member_client.put("/api/v1/notifications/preferences", json={"task_due": {"email": False}})
    assert changed.status_code == 200, changed.text
    kinds = {row["kind"]: row for row in changed.json()["kinds"]}
    assert (kinds["task_due"]["in_app"], kinds["task_due"]["email"], kinds["assigned"]["email"]) == (True, False, True)

    crm_clock.set(MORNING)
    await _due_task(crm_client, crm_member[0].id)
    await crm_run_jobs()
    assert [item["kind"] for item in await _inbox(crm_member_client)] == ["task_due", "assigned"]
    assert [email.subject for email in crm_smtp.to(crm_member[0].email)] == ["Assigned to you: Call Ada back"]


async def test_with_the_app_turned_off_for_a_kind_only_the_email_comes(
    crm_client, crm_member, crm_member_client, crm_clock, crm_run_jobs, crm_smtp
):
    await crm_member_client.put("/api/v1/notifications/preferences", json={"task_due": {"in_app": False}})
    crm_clock.set(MORNING)
    await _due_task(crm_client, crm_member[0].id)
    await crm_run_jobs()
    assert [item["kind"] for item in await _inbox(crm_member_client)] == ["assigned"]
    assert "Task due: Call Ada back" in [email.subject for email in crm_smtp.to(crm_member[0].email)]


async def test_preferences_name_a_wrong_kind_channel_or_value_and_change_nothing(crm_member_client):
    response = await crm_member_client.put("/api/v1/notifications/preferences", json={
        "task_due": {"email": False}, "no_such": {"email": True}, "mentioned": {"pager": True, "in_app": "yes"},
    })
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"no_such", "mentioned.pager", "mentioned.in_app"}
    kinds = {row["kind"]: row for row in (await crm_member_client.get("/api/v1/notifications/preferences")).json()["kinds"]}
    assert kinds["task_due"]["in_app"] is True


async def test_without_smtp_email_is_off_nothing_is_queued_and_the_settings_page_says_so(
    crm_client, crm_member, crm_member_client, crm_clock, crm_run_jobs, crm_running_app, crm_admin
):
    preferences = (await crm_member_client.get("/api/v1/notifications/preferences")).json()
    assert preferences["email_enabled"] is False
    assert all(row["email"] is False and row["in_app"] is True for row in preferences["kinds"])

    crm_clock.set(MORNING)
    await _due_task(crm_client, crm_member[0].id)
    outcomes = await crm_run_jobs()
    assert _sent(outcomes) == []
    assert await toolkit.fetch("SELECT id FROM crm_outbound_email") == []
    assert [item["kind"] for item in await _inbox(crm_member_client)] == ["task_due", "assigned"]

    async with client_for(crm_running_app) as browser:
        await sign_in(browser, crm_admin[0].email)
        page = (await browser.get("/settings")).text
        assert "Email notifications are off" in page and "CRM_SMTP_URL" in page
        notifications = (await browser.get("/notifications")).text
        assert 'id="email-off-note"' in notifications


async def test_with_smtp_the_settings_page_says_email_is_on_without_the_password(
    crm_running_app, crm_admin, crm_smtp
):
    async with client_for(crm_running_app) as browser:
        await sign_in(browser, crm_admin[0].email)
        page = (await browser.get("/settings")).text
    assert "Notifications reach people by email" in page and "127.0.0.1" in page


async def test_the_notifications_page_saves_the_choices_ticked(crm_running_app, crm_member, crm_smtp):
    async with client_for(crm_running_app) as browser:
        await sign_in(browser, crm_member[0].email)
        token = await form_token(browser, "/notifications")
        saved = await browser.post("/notifications/preferences", data={
            "_csrf_token": token, "in_app[]": ["task_due", "assigned"], "email[]": ["mentioned"],
        })
        assert saved.status_code == 303
        page = (await browser.get(saved.headers["location"])).text
    assert "Your choices are saved" in page
    choices = {row["kind"]: (row["in_app"], row["email"]) for row in await _preferences_of(crm_member[0].id)}
    assert choices["task_due"] == (True, False) and choices["mentioned"] == (False, True)
    assert choices["task_overdue"] == (False, False)


async def _preferences_of(user_id: int) -> list[dict[str, Any]]:
    from crm_platform.notifications.preferences import preferences_of

    return await preferences_of(user_id)


# --- assigned to you ---------------------------------------------------------------------------


async def test_giving_a_contact_to_someone_else_notifies_them_but_not_yourself(
    crm_client, crm_admin, crm_member, crm_member_client
):
    mine = (await crm_client.post("/api/v1/contacts", json={"given_name": "Grace"})).json()
    assert await _inbox(crm_client) == []
    moved = await crm_client.patch(f"/api/v1/contacts/{mine['id']}", json={"owner_id": crm_member[0].id})
    assert moved.status_code == 200, moved.text
    [item] = await _inbox(crm_member_client)
    assert (item["kind"], item["subject"], item["href"]) == ("assigned", "Assigned to you: Grace", f"/contacts/{mine['id']}")
    assert crm_admin[0].display_name in item["body"]


# --- mentions ----------------------------------------------------------------------------------


def test_mentions_are_read_by_name_address_or_unique_first_name():
    users = [
        {"id": 1, "display_name": "Ann Lee", "email": "ann.lee@example.com"},
        {"id": 2, "display_name": "Ann Other", "email": "aother@example.com"},
        {"id": 3, "display_name": "Bob Stone", "email": "bob@example.com"},
    ]
    assert mentioned_user_ids("Thanks @Ann Lee, and @bob!", users) == {1, 3}
    assert mentioned_user_ids("cc @aother", users) == {2}
    assert mentioned_user_ids("@Ann alone is two people; @bobby is nobody", users) == set()
    assert mentioned_user_ids("write to bob@example.com", users) == set()


async def test_a_mention_in_a_note_notifies_the_user_named_who_can_see_it(
    crm_client, crm_admin, crm_member, crm_member_client, crm_make_user, crm_running_app, crm_smtp, crm_run_jobs
):
    outsider, outsider_token = await crm_make_user("olga@example.com", team="Elsewhere")
    contact = (await crm_member_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    member_name = crm_member[0].display_name
    note = await crm_member_client.post("/api/v1/activities", json={
        "type": "note", "subject": "Pricing", "body": f"<p>Ask @{member_name} and @{outsider.display_name} and @admin</p>",
        "links": [{"record_type": "contact", "record_id": contact["id"]}],
    })
    assert note.status_code == 201, note.text
    [item] = await _inbox(crm_client)  # the admin sees every record
    assert (item["kind"], item["href"]) == ("mentioned", f"/contacts/{contact['id']}")
    assert item["subject"] == f"{member_name} mentioned you: Pricing"
    assert await _inbox(crm_member_client) == []  # not for mentioning yourself
    async with client_for(crm_running_app, outsider_token) as outsider_client:
        assert await _inbox(outsider_client) == []  # the note is not theirs to see

    await crm_run_jobs()
    assert [email.subject for email in crm_smtp.to(crm_admin[0].email)] == [f"{member_name} mentioned you: Pricing"]

    # Editing the note notifies only who is newly mentioned.
    edited = await crm_member_client.patch(f"/api/v1/activities/{note.json()['id']}", json={
        "body": f"<p>Ask @{member_name} and @admin again</p>"})
    assert edited.status_code == 200, edited.text
    assert len(await _inbox(crm_client)) == 1


@pytest.mark.parametrize("kind", ["probe.note_added"])
async def test_a_plugins_declared_kind_is_among_the_choices_while_it_is_enabled(
    crm_member_client, crm_disable_plugin, kind
):
    def kinds(response: httpx.Response) -> list[str]:
        return [row["kind"] for row in response.json()["kinds"]]

    assert kind in kinds(await crm_member_client.get("/api/v1/notifications/preferences"))
    await crm_disable_plugin("probe")
    assert kind not in kinds(await crm_member_client.get("/api/v1/notifications/preferences"))


@pytest.fixture
def crm_plugins():
    return ["probe"]
