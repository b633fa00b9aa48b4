"""A ticket's conversation: replies and notes, each on the requester's and company's timeline,
and canned replies filled in from a sandbox."""

from __future__ import annotations

TICKETS = "/api/v1/desk/tickets"
CANNED = "/api/v1/desk/canned-replies"


async def _company(client, name="Acme") -> dict:
    return (await client.post("/api/v1/companies", json={"name": name})).json()


async def test_a_reply_and_a_note_are_on_the_requesters_and_companys_timeline(crm_client, open_ticket):
    company = await _company(crm_client)
    ticket = await open_ticket(requester_email="ada@example.com", company_id=company["id"])
    url = f"{TICKETS}/{ticket['id']}/messages"
    reply = await crm_client.post(url, json={"body": "We are on it."})
    assert reply.status_code == 201, reply.text
    note = await crm_client.post(url, json={"body": "Check the toner first", "kind": "note"})
    assert note.status_code == 201
    conversation = (await crm_client.get(url)).json()
    assert [(m["kind"], m["body"]) for m in conversation] == [("reply", "We are on it."), ("note", "Check the toner first")]
    after = (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()
    assert after["status"] == "open" and after["sla"]["first_responded_at"] is not None
    for kind, record_id in (("contacts", ticket["requester_id"]), ("companies", company["id"])):
        timeline = (await crm_client.get(f"/api/v1/{kind}/{record_id}/timeline")).json()["items"]
        assert {item["activity"]["body"] for item in timeline if item["activity"]} >= {"We are on it.", "Check the toner first"}, kind


async def test_an_empty_or_oversized_reply_and_a_reply_to_a_closed_ticket_are_refused(crm_client, open_ticket):
    ticket = await open_ticket()
    url = f"{TICKETS}/{ticket['id']}/messages"
    assert "body" in (await crm_client.post(url, json={"body": "   "})).json()["errors"]
    assert "body" in (await crm_client.post(url, json={"body": "x" * 50_001})).json()["errors"]
    assert "kind" in (await crm_client.post(url, json={"body": "Hi", "kind": "shout"})).json()["errors"]
    await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"status": "closed"})
    closed = await crm_client.post(url, json={"body": "Hello?"})
    assert closed.status_code == 422 and "closed" in closed.json()["errors"]["body"]
    assert (await crm_client.get(url)).json() == []


async def test_a_canned_reply_fills_in_the_requesters_name_in_a_sandbox(crm_client, open_ticket):
    ticket = await open_ticket(requester_email="ada@example.com", requester_name="Ada Lovelace")
    canned = await crm_client.post(CANNED, json={
        "title": "Thanks", "body": "Hello {{ contact.given_name }}, about {{ ticket.number }}: {{ agent.email }}"})
    assert canned.status_code == 201, canned.text
    rendered = await crm_client.get(f"{CANNED}/{canned.json()['id']}/render", params={"ticket_id": ticket["id"]})
    assert rendered.json()["body"] == f"Hello Ada, about #{ticket['id']}: admin@example.com"


async def test_a_canned_reply_cannot_reach_outside_its_placeholders(crm_client, open_ticket):
    ticket = await open_ticket()
    broken = await crm_client.post(CANNED, json={"title": "Broken", "body": "Hello {{ contact.given_name"})
    assert broken.status_code == 422 and "body" in broken.json()["errors"]
    sneaky = await crm_client.post(CANNED, json={
        "title": "Sneaky", "body": "{{ ticket.__class__.__mro__ }}{{ ''.__class__.__subclasses__() }}"})
    rendered = await crm_client.get(f"{CANNED}/{sneaky.json()['id']}/render", params={"ticket_id": ticket["id"]})
    assert rendered.status_code == 422
    assert "a placeholder may not" in rendered.json()["errors"]["body"]
    assert "<class" not in rendered.text
