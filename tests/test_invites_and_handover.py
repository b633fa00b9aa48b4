"""Inviting users through a one-time link, and handing over what a leaving user owns."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform.audit.service import history
from crm_platform.db.raw import fetch
from crm_platform.testing import client_for
from crm_platform.users import invites, service
from tests.web.helpers import csrf_token_in


async def _invite(client, email="new@example.com", **extra) -> dict:
    response = await client.post("/api/v1/users/invites", json={"email": email, **extra})
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_invite_gives_a_one_time_link_and_the_message_to_send(crm_client):
    invite = await _invite(crm_client, role="manager", team="Ops", display_name="Nora New")
    assert invite["url"].startswith("http://testserver/invite/")
    assert invite["message"]["to"] == "new@example.com"
    assert invite["url"] in invite["message"]["text"]
    assert "72 hours" in invite["message"]["text"]
    token = invite["url"].rsplit("/", 1)[1]
    stored = await fetch("SELECT token_hash FROM crm_user_invite")
    assert stored == [{"token_hash": service.hash_token(token)}]  # only the hash is kept
    assert await service.authenticate("new@example.com", "") is None


async def test_without_email_the_invite_says_the_admin_passes_the_link_on(crm_client):
    assert (await _invite(crm_client))["emailed"] is False


async def test_with_email_on_the_invite_link_goes_to_the_invited_person(crm_client, crm_run_jobs, crm_smtp):
    invite = await _invite(crm_client, display_name="Nora New")
    assert invite["emailed"] is True
    await crm_run_jobs()
    [email] = crm_smtp.to("new@example.com")
    assert email.subject == invite["message"]["subject"]
    assert invite["url"] in email.body() and "Hello Nora New" in email.body()


async def test_the_invited_user_sets_a_password_once_and_is_signed_in(crm_client, crm_running_app):
    invite = await _invite(crm_client)
    path = invite["url"].removeprefix("http://testserver")
    async with client_for(crm_running_app) as browser:
        form = await browser.get(path)
        assert form.status_code == 200 and "Welcome, new" in form.text
        joined = await browser.post(path, data={"password": "my own fresh secret", "confirm_password":
                                                "my own fresh secret", "_csrf_token": csrf_token_in(form.text)})
        assert joined.status_code == 303
        assert "My day" in (await browser.get("/")).text
    async with client_for(crm_running_app) as other:
        again = await other.get(path)
        assert again.status_code == 410 and "used already" in again.text
    assert await service.authenticate("new@example.com", "my own fresh secret") is not None


async def test_the_invite_page_applies_the_password_policy(crm_client, crm_running_app):
    invite = await _invite(crm_client)
    path = invite["url"].removeprefix("http://testserver")
    async with client_for(crm_running_app) as browser:
        form = await browser.get(path)
        refused = await browser.post(path, data={"password": "new@example.com", "confirm_password":
                                                 "new@example.com", "_csrf_token": csrf_token_in(form.text)})
        assert refused.status_code == 422
        assert "must not be your email address" in refused.text
        assert (await browser.get(path)).status_code == 200  # the link still works


async def test_an_invite_expires_after_72_hours(crm_client, crm_running_app, crm_clock):
    invite = await _invite(crm_client)
    crm_clock.advance(hours=72, minutes=1)
    async with client_for(crm_running_app) as browser:
        response = await browser.get(invite["url"].removeprefix("http://testserver"))
    assert response.status_code == 410 and "expired" in response.text


async def test_inviting_again_replaces_the_link(crm_client):
    first = await _invite(crm_client)
    second = await _invite(crm_client)
    with pytest.raises(invites.InviteUnusable):
        await invites.pending(first["url"].rsplit("/", 1)[1])
    assert (await invites.pending(second["url"].rsplit("/", 1)[1]))["email"] == "new@example.com"


async def test_inviting_someone_who_has_an_account_is_a_conflict(crm_client, crm_member):
    response = await crm_client.post("/api/v1/users/invites", json={"email": "member@example.com"})
    assert response.status_code == 409
    assert "set their password instead" in response.json()["detail"]


async def test_invites_are_for_admins(crm_member_client):
    assert (await crm_member_client.post("/api/v1/users/invites", json={"email": "x@example.com"})).status_code == 403


# --- hand-over ---------------------------------------------------------------------------------


async def _records_of(client, owner_id: int) -> dict[str, list[int]]:
    contacts = [(await client.post("/api/v1/contacts", json={"given_name": f"C{n}", "owner_id": owner_id})).json()["id"]
                for n in range(3)]
    company = (await client.post("/api/v1/companies", json={"name": "Acme", "owner_id": owner_id})).json()["id"]
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    task = (await client.post("/api/v1/activities", json={
        "type": "task", "subject": "Call back", "due_at": due, "owner_id": owner_id})).json()["id"]
    done = (await client.post("/api/v1/activities", json={
        "type": "task", "subject": "Done already", "due_at": due, "owner_id": owner_id, "done": True})).json()["id"]
    call = (await client.post("/api/v1/activities", json={"type": "call", "subject": "Logged call",
                                                            "owner_id": owner_id})).json()["id"]
    return {"contacts": contacts, "company": [company], "task": [task], "kept": [done, call]}


async def test_hand_over_moves_open_records_of_every_kind_to_one_user(crm_client, crm_make_user, crm_admin):
    leaving, _ = await crm_make_user("leaving@example.com")
    heir, _ = await crm_make_user("heir@example.com")
    made = await _records_of(crm_client, leaving.id)
    response = await crm_client.post(f"/api/v1/users/{leaving.id}/hand-over", json={"to_user_id": heir.id})
    assert response.status_code == 200, response.text
    assert response.json() == {"from_user_id": leaving.id, "to_user_ids": [heir.id], "total": 5,
                               "moved": {"activity": 1, "company": 1, "contact": 3}}
    owners = {row["id"]: row["owner"] for row in await fetch("SELECT id, owner FROM crm_contact")}
    assert set(owners.values()) == {heir.id}
    tasks = {row["id"]: (row["owner"], row["assignee"]) for row in await fetch("SELECT id, owner, assignee FROM crm_activity")}
    assert tasks[made["task"][0]] == (heir.id, heir.id)
    assert all(tasks[kept][0] == leaving.id for kept in made["kept"])
    [entry] = [e for e in await history("contact", made["contacts"][0]) if e["action"] == "update"]
    assert entry["changes"] == {"owner": {"from": leaving.id, "to": heir.id}}
    assert entry["actor_id"] == crm_admin[0].id
    [summary] = [e for e in await history("user", leaving.id) if e["action"] == "handover"]
    assert summary["changes"]["moved"] == {"activity": 1, "company": 1, "contact": 3}
    search_owners = await fetch("SELECT DISTINCT owner_id FROM crm_search_entry WHERE kind = {}", "contact")
    assert search_owners == [{"owner_id": heir.id}]


async def test_hand_over_across_a_team_is_round_robin(crm_client, crm_make_user):
    leaving, _ = await crm_make_user("leaving@example.com", team="East")
    first, _ = await crm_make_user("east1@example.com", team="East")
    second, _ = await crm_make_user("east2@example.com", team="East")
    await _records_of(crm_client, leaving.id)
    [team] = await fetch("SELECT id FROM crm_team WHERE name = {}", "East")
    response = await crm_client.post(f"/api/v1/users/{leaving.id}/hand-over", json={"team_id": team["id"]})
    assert response.json()["to_user_ids"] == [first.id, second.id]
    owners = [row["owner"] for row in await fetch("SELECT owner FROM crm_contact ORDER BY id")]
    assert owners == [first.id, second.id, first.id]


async def test_hand_over_needs_one_active_target(crm_client, crm_make_user):
    leaving, _ = await crm_make_user("leaving@example.com")
    gone, _ = await crm_make_user("gone@example.com")
    await crm_client.patch(f"/api/v1/users/{gone.id}", json={"is_active": False})
    for body, field in (({}, "to"), ({"to_user_id": leaving.id}, "to"), ({"to_user_id": gone.id}, "to")):
        response = await crm_client.post(f"/api/v1/users/{leaving.id}/hand-over", json=body)
        assert response.status_code == 422 and field in response.json()["errors"], body
    assert (await crm_client.post(f"/api/v1/users/{leaving.id}/hand-over", json={"to_user_id": 999})).status_code == 404
    assert (await crm_client.post(f"/api/v1/users/{leaving.id}/hand-over", json={"team_id": 999})).status_code == 404


async def test_hand_over_is_for_admins(crm_member_client, crm_admin, crm_member):
    response = await crm_member_client.post(f"/api/v1/users/{crm_admin[0].id}/hand-over",
                                            json={"to_user_id": crm_member[0].id})
    assert response.status_code == 403
