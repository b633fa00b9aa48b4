"""Tickets through the API: a whole life, the requester found or made from an email address,
valid status transitions, filters and pages, and bad input refused whole."""

from __future__ import annotations

TICKETS = "/api/v1/desk/tickets"


async def test_a_ticket_from_an_unknown_address_makes_its_requester_marked_auto_created(crm_client, open_ticket):
    ticket = await open_ticket(requester_email="Ada@Example.com", requester_name="Ada Lovelace", priority="high")
    assert (ticket["status"], ticket["priority"], ticket["number"]) == ("new", "high", f"#{ticket['id']}")
    contact = (await crm_client.get(f"/api/v1/contacts/{ticket['requester_id']}")).json()
    assert (contact["given_name"], contact["family_name"], contact["primary_email"]) == ("Ada", "Lovelace", "ada@example.com")
    assert "auto-created" in contact["tags"]
    again = await open_ticket(requester_email="ada@example.com", subject="Still on fire")
    assert again["requester_id"] == ticket["requester_id"]


async def test_a_ticket_is_read_changed_deleted_and_restored(crm_client, open_ticket):
    ticket = await open_ticket(category="Hardware", tags=["VIP"])
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["tags"] == ["vip"]
    changed = await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"status": "open", "priority": "urgent"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.json()["priority"]) == ("open", "urgent")
    history = (await crm_client.get(f"{TICKETS}/{ticket['id']}/history")).json()
    assert history[0]["changes"]["status"] == {"from": "new", "to": "open"}

    assert (await crm_client.delete(f"{TICKETS}/{ticket['id']}")).status_code == 204
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).status_code == 404
    [entry] = (await crm_client.get("/api/v1/trash")).json()["items"]
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code in (200, 201)
    restored = (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()
    assert (restored["subject"], restored["priority"], restored["sla"]["resolution_due"] is not None) == (
        "Printer is on fire", "urgent", True)


async def test_a_status_follows_the_allowed_transitions(crm_client, open_ticket):
    ticket = await open_ticket()
    url = f"{TICKETS}/{ticket['id']}"
    assert (await crm_client.patch(url, json={"status": "closed"})).status_code == 200
    refused = await crm_client.patch(url, json={"status": "open", "subject": "Changed"})
    assert refused.status_code == 422
    assert "closed ticket is final" in refused.json()["errors"]["status"]
    after = (await crm_client.get(url)).json()
    assert (after["status"], after["subject"]) == ("closed", "Printer is on fire")


async def test_bad_input_names_every_field_and_stores_nothing(crm_client):
    response = await crm_client.post(TICKETS, json={
        "subject": " ", "status": "limbo", "priority": "whenever", "channel": "pigeon", "requester_id": 9999,
        "team_id": 777, "assignee_id": 4242,
    })
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {
        "subject", "status", "priority", "channel", "requester_id", "team_id", "assignee_id"}
    bad_email = await crm_client.post(TICKETS, json={"subject": "Hi", "requester_email": "not an address"})
    assert "requester_email" in bad_email.json()["errors"]
    assert (await crm_client.get(TICKETS)).json()["items"] == []
    assert (await crm_client.get("/api/v1/contacts")).json()["items"] == []


async def test_a_refused_ticket_leaves_no_auto_created_contact(crm_client):
    response = await crm_client.post(TICKETS, json={"subject": "Hi", "requester_email": "new@example.com", "priority": "x"})
    assert response.status_code == 422
    assert (await crm_client.get("/api/v1/contacts")).json()["items"] == []


async def test_lists_filter_and_page_by_due_time(crm_client, open_ticket):
    low = await open_ticket(subject="Low", priority="low")
    urgent = await open_ticket(subject="Urgent", priority="urgent", category="Billing")
    normal = await open_ticket(subject="Normal", priority="normal", tags=["vip"])
    first = (await crm_client.get(TICKETS, params={"limit": 2})).json()
    assert [t["subject"] for t in first["items"]] == ["Urgent", "Normal"]
    rest = (await crm_client.get(TICKETS, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [t["subject"] for t in rest["items"]] == ["Low"] and rest["next_cursor"] is None
    newest = (await crm_client.get(TICKETS, params={"sort": "newest"})).json()["items"]
    assert [t["id"] for t in newest] == [normal["id"], urgent["id"], low["id"]]
    assert [t["subject"] for t in (await crm_client.get(TICKETS, params={"category": "Billing"})).json()["items"]] == ["Urgent"]
    assert [t["subject"] for t in (await crm_client.get(TICKETS, params={"tag": "vip"})).json()["items"]] == ["Normal"]
    assert [t["subject"] for t in (await crm_client.get(TICKETS, params={"priority": "low"})).json()["items"]] == ["Low"]
    bad = await crm_client.get(TICKETS, params={"queue": "someday", "status": "limbo"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"queue", "status"}


async def test_queues_mine_and_unassigned(crm_client, crm_admin, open_ticket):
    admin, _ = crm_admin
    mine = await open_ticket(subject="Mine")
    await open_ticket(subject="Nobody's", assignee_id=None)
    assert mine["assignee_id"] == admin.id
    assert [t["subject"] for t in (await crm_client.get(TICKETS, params={"queue": "mine"})).json()["items"]] == ["Mine"]
    assert [t["subject"] for t in (await crm_client.get(TICKETS, params={"queue": "unassigned"})).json()["items"]] == ["Nobody's"]
