"""Merging two contacts or two companies in the core takes their tickets along: the
survivor's ticket list has both, and undoing the merge gives each its own tickets back."""

from __future__ import annotations

TICKETS = "/api/v1/desk/tickets"
RULES = "/api/v1/desk/sla/rules"


async def made(client, path: str, **fields) -> int:
    response = await client.post(path, json=fields)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def subjects(client, **filters) -> list[str]:
    response = await client.get(TICKETS, params=filters)
    assert response.status_code == 200, response.text
    return sorted(item["subject"] for item in response.json()["items"])


async def merge(client, kind: str, survivor: int, other: int) -> str:
    response = await client.post("/api/v1/merges", json={"kind": kind, "survivor_id": survivor, "other_id": other})
    assert response.status_code == 200, response.text
    return response.json()["merge_id"]


async def undo(client, merge_id: str) -> dict:
    response = await client.post(f"/api/v1/merges/{merge_id}/undo")
    assert response.status_code == 200, response.text
    return response.json()


async def test_merging_two_contacts_moves_the_tickets_and_undo_moves_them_back(crm_client, open_ticket):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada")
    twin = await made(crm_client, "/api/v1/contacts", given_name="Ada L")
    await open_ticket(subject="Printer jams", requester_id=ada)
    await open_ticket(subject="Toner leaks", requester_id=twin)

    merge_id = await merge(crm_client, "contact", ada, twin)
    assert await subjects(crm_client, requester_id=ada) == ["Printer jams", "Toner leaks"]
    assert await subjects(crm_client, requester_id=twin) == []

    assert (await undo(crm_client, merge_id))["not_restored"] == []
    assert await subjects(crm_client, requester_id=ada) == ["Printer jams"]
    assert await subjects(crm_client, requester_id=twin) == ["Toner leaks"]


async def test_merging_two_companies_moves_tickets_and_policies_and_undo_moves_them_back(crm_client, open_ticket):
    acme = await made(crm_client, "/api/v1/companies", name="Acme")
    acme_inc = await made(crm_client, "/api/v1/companies", name="Acme Inc")
    await open_ticket(subject="Printer jams", company_id=acme)
    theirs = await open_ticket(subject="Toner leaks", company_id=acme_inc, category="billing")
    gold = await made(crm_client, RULES, name="Acme Inc billing", company_id=acme_inc, category="billing",
                      targets={"normal": {"first_response_minutes": 30, "resolution_minutes": 90}})
    assert (await crm_client.get(f"{TICKETS}/{theirs['id']}")).json()["sla"]["policy_id"] == gold

    merge_id = await merge(crm_client, "company", acme, acme_inc)
    assert await subjects(crm_client, company_id=acme) == ["Printer jams", "Toner leaks"]
    assert await subjects(crm_client, company_id=acme_inc) == []
    assert (await crm_client.get(f"{RULES}/{gold}")).json()["company_id"] == acme
    assert (await crm_client.get(f"{TICKETS}/{theirs['id']}")).json()["sla"]["policy_id"] == gold

    assert (await undo(crm_client, merge_id))["not_restored"] == []
    assert await subjects(crm_client, company_id=acme) == ["Printer jams"]
    assert await subjects(crm_client, company_id=acme_inc) == ["Toner leaks"]
    assert (await crm_client.get(f"{RULES}/{gold}")).json()["company_id"] == acme_inc


async def test_a_policy_of_the_merged_company_the_survivor_already_has_comes_back_on_undo(crm_client, open_ticket):
    acme = await made(crm_client, "/api/v1/companies", name="Acme")
    acme_inc = await made(crm_client, "/api/v1/companies", name="Acme Inc")
    targets = {"normal": {"first_response_minutes": 30, "resolution_minutes": 90}}
    ours = await made(crm_client, RULES, name="Acme", company_id=acme, targets=targets)
    theirs = await made(crm_client, RULES, name="Acme Inc", company_id=acme_inc, targets=targets)
    ticket = await open_ticket(subject="Toner leaks", company_id=acme_inc)

    merge_id = await merge(crm_client, "company", acme, acme_inc)
    assert [rule["name"] for rule in (await crm_client.get(RULES)).json()] == ["Acme"]
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["sla"]["policy_id"] == ours

    await undo(crm_client, merge_id)
    back = (await crm_client.get(f"{RULES}/{theirs}")).json()
    assert back["name"] == "Acme Inc" and back["company_id"] == acme_inc
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["sla"]["policy_id"] == theirs
