"""Merging tickets, splitting a message into a new ticket, and round robin within a team."""

from __future__ import annotations

from email.message import EmailMessage

TICKETS = "/api/v1/desk/tickets"


async def test_a_merge_moves_the_conversation_and_closes_the_merged_ticket(crm_client, open_ticket):
    kept = await open_ticket(subject="Printer jammed", requester_email="ada@example.com")
    dupe = await open_ticket(subject="Printer STILL jammed", requester_email="ada@example.com")
    await crm_client.post(f"{TICKETS}/{dupe['id']}/messages", json={"body": "Any update?", "kind": "note"})
    merged = await crm_client.post(f"{TICKETS}/{dupe['id']}/merge", json={"into_id": kept["id"]})
    assert merged.status_code == 201, merged.text
    bodies = [m["body"] for m in (await crm_client.get(f"{TICKETS}/{kept['id']}/messages")).json()]
    assert "Any update?" in bodies and f"Merged from #{dupe['id']}: Printer STILL jammed" in bodies
    assert (await crm_client.get(f"{TICKETS}/{dupe['id']}")).json()["status"] == "closed"
    kept_history = (await crm_client.get(f"{TICKETS}/{kept['id']}/history")).json()
    dupe_history = (await crm_client.get(f"{TICKETS}/{dupe['id']}/history")).json()
    assert kept_history[0]["action"] == "merge" and kept_history[0]["changes"]["merged_from"]["to"] == dupe["id"]
    assert any(entry["action"] == "merge" for entry in dupe_history)


async def test_a_merge_into_itself_a_missing_or_a_closed_ticket_is_refused(crm_client, open_ticket):
    one, closed = await open_ticket(), await open_ticket()
    await crm_client.patch(f"{TICKETS}/{closed['id']}", json={"status": "closed"})
    for into in (one["id"], 99999, closed["id"]):
        response = await crm_client.post(f"{TICKETS}/{one['id']}/merge", json={"into_id": into})
        assert response.status_code == 422 and "into_id" in response.json()["errors"], into
    assert (await crm_client.get(f"{TICKETS}/{one['id']}")).json()["status"] == "new"


async def test_the_customers_answer_to_a_merged_ticket_finds_the_survivor(crm_client, crm_cli, tmp_path, crm_admin):
    for name, subject, message_id in (("a", "Login broken", "<a1@example.com>"), ("b", "Cannot log in", "<b1@example.com>")):
        message = EmailMessage()
        message["From"], message["Subject"], message["Message-ID"] = "ada@example.com", subject, message_id
        message.set_content("Help")
        (tmp_path / f"{name}.eml").write_bytes(bytes(message))
        assert crm_cli("desk", "mail-in", str(tmp_path / f"{name}.eml")).exit_code == 0
    second, first = (await crm_client.get(TICKETS, params={"sort": "newest"})).json()["items"]
    await crm_client.post(f"{TICKETS}/{second['id']}/merge", json={"into_id": first["id"]})
    answer = EmailMessage()
    answer["From"], answer["Subject"], answer["In-Reply-To"] = "ada@example.com", "Re: Cannot log in", "<b1@example.com>"
    answer.set_content("Still broken")
    (tmp_path / "c.eml").write_bytes(bytes(answer))
    assert f"appended ticket #{first['id']}" in crm_cli("desk", "mail-in", str(tmp_path / "c.eml")).output


async def test_a_split_makes_a_new_ticket_from_one_message(crm_client, open_ticket):
    ticket = await open_ticket(requester_email="ada@example.com")
    note = (await crm_client.post(f"{TICKETS}/{ticket['id']}/messages", json={
        "body": "Also: my invoice is wrong", "kind": "note"})).json()
    split = await crm_client.post(f"{TICKETS}/{ticket['id']}/split", json={"message_id": note["id"], "subject": "Invoice wrong"})
    assert split.status_code == 201, split.text
    new = split.json()
    assert (new["subject"], new["requester_id"]) == ("Invoice wrong", ticket["requester_id"])
    assert [m["body"] for m in (await crm_client.get(f"{TICKETS}/{new['id']}/messages")).json()] == ["Also: my invoice is wrong"]
    assert (await crm_client.get(f"{TICKETS}/{new['id']}/history")).json()[0]["action"] == "split"
    missing = await crm_client.post(f"{TICKETS}/{ticket['id']}/split", json={"message_id": 99999})
    assert missing.status_code == 422 and "message_id" in missing.json()["errors"]


async def test_round_robin_gives_a_teams_new_tickets_in_turn_skipping_inactive_members(crm_client, crm_make_user, open_ticket):
    ann, _ = await crm_make_user("ann@example.com", team="Support")
    bob, _ = await crm_make_user("bob@example.com", team="Support")
    cid, _ = await crm_make_user("cid@example.com", team="Support")
    assert (await crm_client.put("/api/v1/settings/desk/round_robin", json={"value": True})).status_code == 200
    deactivated = await crm_client.patch(f"/api/v1/users/{bob.id}", json={"is_active": False})
    assert deactivated.status_code == 200, deactivated.text
    owners = [(await open_ticket(team_id=ann.team_id, assignee_id=None))["assignee_id"] for _ in range(4)]
    assert owners == [ann.id, cid.id, ann.id, cid.id]
