"""SLA policies by company and category: the most specific match wins, the ticket says which
policy applies and why, and the due time still explains its business hours and pauses."""

from __future__ import annotations

import datetime as dt

TICKETS = "/api/v1/desk/tickets"
RULES = "/api/v1/desk/sla/rules"
ALWAYS_OPEN = {"timezone": "UTC", "hours": {
    day: [["00:00", "23:59"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}}
BERLIN_WEEK = {"timezone": "Europe/Berlin", "hours": {
    day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}}


def normal(first: int, resolution: int) -> dict:
    return {"normal": {"first_response_minutes": first, "resolution_minutes": resolution}}


async def company(client, name: str) -> int:
    response = await client.post("/api/v1/companies", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def rule(client, **fields) -> dict:
    response = await client.post(RULES, json=fields)
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_most_specific_policy_wins_and_the_ticket_says_why(crm_client, crm_clock, open_ticket):
    await crm_client.put("/api/v1/desk/sla/calendars/0", json=ALWAYS_OPEN)
    crm_clock.set(dt.datetime(2026, 6, 1, 9, 0))
    acme, other = await company(crm_client, "Acme"), await company(crm_client, "Globex")
    billing = await rule(crm_client, name="Billing", category="billing", targets=normal(60, 600))
    gold = await rule(crm_client, name="Acme gold", company_id=acme, targets=normal(120, 480))
    both = await rule(crm_client, name="Acme billing", company_id=acme, category="Billing", targets=normal(30, 90))

    exact = (await open_ticket(company_id=acme, category="billing"))["sla"]
    assert exact["policy_id"] == both["id"]
    assert exact["policy_reason"].startswith(
        "SLA policy “Acme billing” (normal: first response in 30 business minutes, resolution in 1 h 30 min): "
        "it matches the ticket's company and category, the most specific match")
    assert "Less specific, also matching: “Acme gold” (company), “Billing” (category)." in exact["policy_reason"]
    assert exact["first_response_derivation"].startswith("due Mon 09:30: created Mon 09:00, 30 business minutes")

    by_company = (await open_ticket(company_id=acme, category="printers"))["sla"]
    assert by_company["policy_id"] == gold["id"]
    assert "it matches the ticket's company," in by_company["policy_reason"]
    by_category = (await open_ticket(company_id=other, category="BILLING"))["sla"]
    assert by_category["policy_id"] == billing["id"]
    assert "it matches the ticket's category," in by_category["policy_reason"]
    neither = (await open_ticket(company_id=other, category="printers"))["sla"]
    assert neither["policy_id"] is None
    assert neither["policy_reason"] == ("Priority default (normal: first response in 8 business hours, resolution "
                                        "in 40 business hours): no SLA policy names this ticket's company or category.")
    assert neither["first_response_derivation"].startswith("due Mon 17:00: created Mon 09:00, 8 business hours")


async def test_a_priority_a_policy_leaves_out_falls_through_to_the_next_one(crm_client, crm_clock, open_ticket):
    await crm_client.put("/api/v1/desk/sla/calendars/0", json=ALWAYS_OPEN)
    crm_clock.set(dt.datetime(2026, 6, 1, 9, 0))
    acme = await company(crm_client, "Acme")
    await rule(crm_client, name="Acme urgent", company_id=acme,
               targets={"urgent": {"first_response_minutes": 15, "resolution_minutes": 60}})
    billing = await rule(crm_client, name="Billing", category="billing", targets=normal(60, 600))
    urgent = (await open_ticket(company_id=acme, category="billing", priority="urgent"))["sla"]
    assert urgent["first_response_derivation"].startswith("due Mon 09:15")
    normal_one = (await open_ticket(company_id=acme, category="billing"))["sla"]
    assert normal_one["policy_id"] == billing["id"]
    assert normal_one["policy_reason"].endswith("“Acme urgent” (company) matches too but sets no normal target.")


async def test_changing_a_ticket_s_company_or_category_moves_it_to_its_policy(crm_client, crm_clock, open_ticket):
    await crm_client.put("/api/v1/desk/sla/calendars/0", json=ALWAYS_OPEN)
    crm_clock.set(dt.datetime(2026, 6, 1, 9, 0))
    acme = await company(crm_client, "Acme")
    gold = await rule(crm_client, name="Acme gold", company_id=acme, targets=normal(120, 480))
    ticket = await open_ticket()
    assert ticket["sla"]["policy_id"] is None
    moved = (await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"company_id": acme})).json()["sla"]
    assert moved["policy_id"] == gold["id"]
    assert moved["first_response_due"].startswith("2026-06-01T11:00")


async def test_a_policy_changed_mid_ticket_reckons_from_creation_on_business_hours_and_pauses(
    crm_client, crm_clock, open_ticket
):
    await crm_client.put("/api/v1/desk/sla/calendars/0", json=BERLIN_WEEK | {"holidays": ["2026-12-25"]})
    acme = await company(crm_client, "Acme")
    crm_clock.set(dt.datetime(2026, 12, 24, 15, 0))  # Thu 16:00 in Berlin
    ticket = await open_ticket(company_id=acme)
    url = f"{TICKETS}/{ticket['id']}"
    crm_clock.set(dt.datetime(2026, 12, 24, 15, 30))
    await crm_client.patch(url, json={"status": "pending_customer"})
    crm_clock.set(dt.datetime(2026, 12, 24, 15, 45))
    await crm_client.patch(url, json={"status": "open"})
    gold = await rule(crm_client, name="Acme gold", company_id=acme, targets=normal(120, 480))
    sla = (await crm_client.get(url)).json()["sla"]
    assert sla["policy_id"] == gold["id"]
    # 45 of the 120 minutes ran on Thursday (15 paused), then the holiday and the weekend.
    assert sla["first_response_derivation"] == (
        "due Mon 10:15: created Thu 16:00, 2 business hours, Sat–Sun closed, 25 Dec holiday, paused 15 minutes "
        "(Europe/Berlin)")
    changed = await crm_client.patch(f"{RULES}/{gold['id']}", json={"targets": normal(60, 480)})
    assert changed.status_code == 200, changed.text
    assert (await crm_client.get(url)).json()["sla"]["first_response_derivation"].startswith(
        "due Mon 09:15: created Thu 16:00, 1 business hour, Sat–Sun closed, 25 Dec holiday, paused 15 minutes")
    assert (await crm_client.delete(f"{RULES}/{gold['id']}")).status_code == 204
    fallen_back = (await crm_client.get(url)).json()["sla"]
    assert fallen_back["policy_id"] is None
    assert fallen_back["first_response_derivation"].startswith("due Mon 16:15: created Thu 16:00, 8 business hours")
    history = (await crm_client.get(f"{RULES}/{gold['id']}/history")).json()
    assert [entry["action"] for entry in history] == ["delete", "update", "create"]
    assert history[1]["changes"]["targets"]["to"] == {"normal": [60, 480]}


async def test_bad_policies_are_refused_naming_each_field_and_nothing_is_stored(crm_client, crm_member_client):
    acme = await company(crm_client, "Acme")
    refused = await crm_client.post(RULES, json={"name": " ", "targets": {"soon": 5, "normal": {
        "first_response_minutes": 0, "resolution_minutes": 10}}})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {
        "name", "company_id", "targets.soon", "targets.normal.first_response_minutes"}
    unknown = await crm_client.post(RULES, json={"name": "Ghost", "company_id": 99_999, "targets": normal(5, 10)})
    assert unknown.json()["errors"] == {"company_id": "company 99999 does not exist or is not visible to you"}
    shorter = await crm_client.post(RULES, json={"name": "Odd", "category": "x", "targets": normal(50, 10)})
    assert shorter.json()["errors"] == {
        "targets.normal.resolution_minutes": "must not be shorter than the first response target"}
    assert (await crm_client.post(RULES, json={"name": "Acme", "company_id": acme, "targets": {}})).status_code == 422
    await rule(crm_client, name="Acme gold", company_id=acme, targets=normal(120, 480))
    twice = await crm_client.post(RULES, json={"name": "Acme again", "company_id": acme, "targets": normal(5, 10)})
    assert twice.status_code == 409
    assert "“Acme gold”" in twice.json()["detail"]
    same_name = await crm_client.post(RULES, json={"name": "acme GOLD", "category": "x", "targets": normal(5, 10)})
    assert same_name.status_code == 409
    assert (await crm_member_client.post(RULES, json={"name": "Mine", "category": "x",
                                                      "targets": normal(5, 10)})).status_code == 403
    assert [policy["name"] for policy in (await crm_client.get(RULES)).json()] == ["Acme gold"]
    assert (await crm_client.get(f"{RULES}/424242")).status_code == 404


async def test_the_ticket_page_shows_which_policy_applies(crm_client, web_client, open_ticket):
    acme = await company(crm_client, "Acme")
    await rule(crm_client, name="Acme gold", company_id=acme, targets=normal(120, 480))
    ticket = await open_ticket(company_id=acme)
    page = await web_client.get(f"/desk/tickets/{ticket['id']}")
    assert "Policy:</strong> SLA policy “Acme gold” (normal: first response in 2 business hours" in page.text
