"""The agents' pages: queues sorted by due time, the ticket page with its conversation, SLA
panel and canned replies, assigning and replying through forms; disabling the plugin keeps
its data; the demo loads tickets."""

from __future__ import annotations

from crm_platform.toolkit import fetch

TICKETS = "/api/v1/desk/tickets"


async def test_a_queue_lists_tickets_soonest_due_first(web_client, open_ticket):
    await open_ticket(subject="Whenever", priority="low")
    await open_ticket(subject="Right now", priority="urgent")
    await open_ticket(subject="Nobody's yet", assignee_id=None)
    page = await web_client.get("/desk/")
    assert page.status_code == 200
    assert page.text.index("Right now") < page.text.index("Whenever")
    assert "Nobody's yet" not in page.text
    unassigned = (await web_client.get("/desk/", params={"queue": "unassigned"})).text
    assert "Nobody&#39;s yet" in unassigned and "Right now" not in unassigned


async def test_the_ticket_page_shows_the_sla_derivation_and_takes_a_canned_reply(web_client, crm_client, open_ticket):
    ticket = await open_ticket(requester_email="ada@example.com", requester_name="Ada Lovelace")
    other = await open_ticket(requester_email="ada@example.com", subject="An older problem")
    canned = (await crm_client.post("/api/v1/desk/canned-replies", json={
        "title": "Hello", "body": "Dear {{ contact.given_name }}, we are on {{ ticket.number }}."})).json()
    page = await web_client.get(f"/desk/tickets/{ticket['id']}", params={"canned_id": canned["id"]})
    assert page.status_code == 200
    assert ticket["sla"]["first_response_derivation"] in page.text
    assert f"Dear Ada, we are on #{ticket['id']}." in page.text
    assert "An older problem" in page.text and f"/desk/tickets/{other['id']}" in page.text

    sent = await web_client.post(f"/desk/tickets/{ticket['id']}/messages", data={
        "body": "Dear Ada, fixed.", "kind": "reply", "status": "solved", "_csrf_token": web_client.csrf(page.text)})
    assert sent.status_code == 303
    after = await web_client.get(f"/desk/tickets/{ticket['id']}")
    assert "Dear Ada, fixed." in after.text
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["status"] == "solved"


async def test_assigning_through_the_form_and_a_wrong_choice_is_named(web_client, crm_client, crm_make_user, open_ticket):
    agent, _ = await crm_make_user("agent@example.com", team="Support")
    ticket = await open_ticket(assignee_id=None)
    page = await web_client.get(f"/desk/tickets/{ticket['id']}")
    token = web_client.csrf(page.text)
    assigned = await web_client.post(f"/desk/tickets/{ticket['id']}", data={
        "assignee_id": str(agent.id), "team_id": str(agent.team_id), "_csrf_token": token})
    assert assigned.status_code == 303
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["assignee_id"] == agent.id
    wrong = await web_client.post(f"/desk/tickets/{ticket['id']}", data={"status": "limbo", "_csrf_token": token})
    assert wrong.status_code == 422 and "status" in wrong.text
    empty = await web_client.post(f"/desk/tickets/{ticket['id']}/messages", data={"body": " ", "_csrf_token": token})
    assert empty.status_code == 422 and "must not be empty" in empty.text


async def test_disable_and_enable_round_trip_keeps_the_tickets(web_client, crm_client, open_ticket):
    ticket = await open_ticket(subject="Kept while off")
    await crm_client.post(f"{TICKETS}/{ticket['id']}/messages", json={"body": "A reply that stays"})

    async def set_enabled(enabled: bool) -> None:
        settings = await web_client.get("/settings")
        response = await web_client.post("/settings/plugins/desk", data={
            "enabled": "true" if enabled else "false", "_csrf_token": web_client.csrf(settings.text)})
        assert response.status_code in (302, 303), response.text

    await set_enabled(False)
    assert (await web_client.get("/desk/")).status_code == 404
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).status_code == 404
    assert (await web_client.get("/desk/public/new")).status_code == 404
    await set_enabled(True)
    back = (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()
    assert back["subject"] == "Kept while off"
    assert [m["body"] for m in (await crm_client.get(f"{TICKETS}/{ticket['id']}/messages")).json()] == ["A reply that stays"]
    assert "Kept while off" in (await web_client.get("/desk/")).text


async def test_the_demo_loads_tickets_with_replies(crm_cli, crm_client):
    result = crm_cli("demo", "--contacts", "60", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "tickets" in result.output
    statuses = {row["status"] for row in await fetch("SELECT status FROM desk_ticket")}
    assert len(statuses) >= 2
    assert (await fetch("SELECT count(*) AS n FROM desk_message"))[0]["n"] > 0


async def test_a_contact_page_lists_the_tickets_the_contact_raised(web_client, open_ticket):
    ticket = await open_ticket(subject="Raised by Ada", requester_email="ada@example.com")
    await open_ticket(subject="Raised by Bob", requester_email="bob@example.com")
    page = await web_client.get(f"/contacts/{ticket['requester_id']}")
    assert "Raised by Ada" in page.text and "Raised by Bob" not in page.text


async def test_an_agent_opens_a_ticket_through_the_form_and_a_wrong_field_is_named(web_client, crm_client):
    page = await web_client.get("/desk/tickets/new")
    assert page.status_code == 200
    token = web_client.csrf(page.text)
    refused = await web_client.post("/desk/tickets/new", data={
        "subject": "", "requester_email": "not-an-address", "priority": "normal", "channel": "phone", "_csrf_token": token})
    assert refused.status_code == 422
    assert "must not be empty" in refused.text and "must be an email address" in refused.text
    assert (await crm_client.get(TICKETS)).json()["items"] == []
    opened = await web_client.post("/desk/tickets/new", data={
        "subject": "Called about billing", "requester_email": "ada@example.com", "priority": "high",
        "channel": "phone", "_csrf_token": token})
    assert opened.status_code == 303
    [ticket] = (await crm_client.get(TICKETS)).json()["items"]
    assert (ticket["subject"], ticket["priority"], ticket["channel"]) == ("Called about billing", "high", "phone")
