"""A deal is linked to its company and to its contacts, each with a role; links are checked
against what the caller may see, and go when the contact goes."""

from __future__ import annotations

from crm_platform.testing import client_for
from crm_platform.toolkit import fetch


async def _contact(client, name: str, **fields) -> dict:
    response = await client.post("/api/v1/contacts", json={"given_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def _company(client, name: str) -> dict:
    response = await client.post("/api/v1/companies", json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_deal_is_created_edited_and_read_back_with_its_company_and_contacts(crm_client, pipeline):
    acme, globex = await _company(crm_client, "Acme"), await _company(crm_client, "Globex")
    ada, alan, grace = [await _contact(crm_client, name) for name in ("Ada", "Alan", "Grace")]
    created = await crm_client.post("/api/v1/sales/deals", json={
        "title": "Fleet renewal", "amount": "5000", "company_id": acme["id"],
        "contacts": [{"contact_id": ada["id"], "role": "decision_maker"}, {"contact_id": alan["id"], "role": "champion"}],
    })
    assert created.status_code == 201, created.text
    deal = created.json()
    assert deal["company_id"] == acme["id"]
    assert [(c["display_name"], c["role"]) for c in deal["contacts"]] == [("Ada", "decision_maker"), ("Alan", "champion")]

    changed = await crm_client.patch(f"/api/v1/sales/deals/{deal['id']}", json={
        "title": "Fleet renewal 2027", "amount": "7500.50", "currency": "USD", "company_id": globex["id"],
        "expected_close_date": "2027-06-30",
        "contacts": [{"contact_id": alan["id"], "role": "influencer"}, {"contact_id": grace["id"], "role": "user"}],
    })
    assert changed.status_code == 200, changed.text

    read = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()
    assert (read["title"], read["amount"], read["currency"], read["expected_close_date"]) == (
        "Fleet renewal 2027", "7500.50", "USD", "2027-06-30")
    assert read["company_id"] == globex["id"]
    assert [(c["contact_id"], c["role"]) for c in read["contacts"]] == [(alan["id"], "influencer"), (grace["id"], "user")]
    listed = (await crm_client.get("/api/v1/sales/deals", params={"contact_id": grace["id"]})).json()["items"]
    assert [item["id"] for item in listed] == [deal["id"]]


async def test_company_null_unlinks_the_company(crm_client, make_deal):
    acme = await _company(crm_client, "Acme")
    deal = await make_deal(company_id=acme["id"])
    response = await crm_client.patch(f"/api/v1/sales/deals/{deal['id']}", json={"company_id": None})
    assert response.json()["company_id"] is None


async def test_a_deal_moves_to_another_pipeline_when_the_move_names_it(crm_client, make_deal):
    renewals = (await crm_client.post("/api/v1/sales/pipelines", json={
        "name": "Renewals", "stages": [{"name": "Due", "probability": 60}, {"name": "Renewed", "kind": "won"},
                                       {"name": "Churned", "kind": "lost"}],
    })).json()
    deal = await make_deal(amount="100")
    due = renewals["stages"][0]["id"]
    response = await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": due, "pipeline_id": renewals["id"]})
    assert response.status_code == 201, response.text
    assert (response.json()["pipeline_id"], response.json()["stage_name"], response.json()["probability"]) == (renewals["id"], "Due", 60)
    forecast = (await crm_client.get("/api/v1/sales/forecast", params={"pipeline_id": renewals["id"]})).json()
    assert forecast["open_count"] == 1


async def test_a_member_cannot_link_another_teams_contact_or_company(crm_running_app, crm_make_user, crm_client):
    _, west_token = await crm_make_user("wes@example.com", team="West")
    _, east_token = await crm_make_user("eve@example.com", team="East")
    async with client_for(crm_running_app, west_token) as wes, client_for(crm_running_app, east_token) as eve:
        theirs = await _contact(wes, "Walter")
        their_company = await _company(wes, "West Ltd")
        mine = await _contact(eve, "Erin")
        response = await eve.post("/api/v1/sales/deals", json={
            "title": "Poaching", "company_id": their_company["id"],
            "contacts": [{"contact_id": mine["id"], "role": "user"}, {"contact_id": theirs["id"], "role": "champion"}],
        })
        assert response.status_code == 422
        assert response.json()["errors"] == {
            "company_id": f"company {their_company['id']} does not exist",
            "contacts[1].contact_id": f"contact {theirs['id']} does not exist",
        }
        assert (await eve.get("/api/v1/sales/deals")).json()["items"] == []

        deal = (await eve.post("/api/v1/sales/deals", json={"title": "Mine", "contacts": [{"contact_id": mine["id"]}]})).json()
        patched = await eve.patch(f"/api/v1/sales/deals/{deal['id']}", json={"contacts": [{"contact_id": theirs["id"]}]})
        assert patched.status_code == 422 and "contacts[0].contact_id" in patched.json()["errors"]
        kept = (await eve.get(f"/api/v1/sales/deals/{deal['id']}")).json()["contacts"]
        assert [contact["contact_id"] for contact in kept] == [mine["id"]]


async def test_a_colleague_who_cannot_see_a_linked_contact_sees_it_hidden_and_can_still_edit(
    crm_running_app, crm_make_user, crm_client
):
    west, west_token = await crm_make_user("wes@example.com", team="West")
    async with client_for(crm_running_app, west_token) as wes:
        secret = await _contact(crm_client, "Secret Sam")  # the admin's, not the West team's
        visible = await _contact(wes, "Walter")
        deal = (await crm_client.post("/api/v1/sales/deals", json={
            "title": "Shared", "owner_id": west.id,
            "contacts": [{"contact_id": secret["id"], "role": "decision_maker"}],
        })).json()
        seen = (await wes.get(f"/api/v1/sales/deals/{deal['id']}")).json()["contacts"]
        assert [contact["display_name"] for contact in seen] == ["(hidden)"]
        response = await wes.patch(f"/api/v1/sales/deals/{deal['id']}", json={"contacts": [
            {"contact_id": secret["id"], "role": "decision_maker"}, {"contact_id": visible["id"], "role": "user"},
        ]})
        assert response.status_code == 200, response.text
        assert [c["display_name"] for c in response.json()["contacts"]] == ["(hidden)", "Walter"]


async def test_a_deleted_contact_leaves_the_deals_it_was_on(crm_client, make_deal):
    ada, alan = await _contact(crm_client, "Ada"), await _contact(crm_client, "Alan")
    deal = await make_deal(contacts=[{"contact_id": ada["id"], "role": "champion"}, {"contact_id": alan["id"], "role": "user"}])
    assert (await crm_client.delete(f"/api/v1/contacts/{ada['id']}")).status_code == 204
    contacts = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["contacts"]
    assert [contact["display_name"] for contact in contacts] == ["Alan"]
    assert await fetch("SELECT id FROM sales_deal_contact WHERE contact = {}", ada["id"]) == []


async def test_a_deleted_company_leaves_its_deals_without_a_company(crm_client, make_deal):
    acme = await _company(crm_client, "Acme")
    deal = await make_deal(company_id=acme["id"])
    assert (await crm_client.delete(f"/api/v1/companies/{acme['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["company_id"] is None
