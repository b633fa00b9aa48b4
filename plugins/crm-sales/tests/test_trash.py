"""Deals in the trash: deleted and restored through the core's trash with their contacts,
stage history, company and forecast figures."""

from __future__ import annotations


async def trashed(client, kind, record_id):
    items = (await client.get("/api/v1/trash", params={"kind": kind})).json()["items"]
    [entry] = [item for item in items if item["record_id"] == record_id]
    return entry


async def test_a_deleted_deal_comes_back_with_its_contacts_history_and_forecast(crm_client, make_deal, pipeline):
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    acme = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()
    deal = await make_deal(title="Big one", amount="1000", company_id=acme["id"], expected_close_date="2027-03-01",
                           stage_id=pipeline["by_name"]["Proposal"]["id"],
                           contacts=[{"contact_id": ada["id"], "role": "champion"}])
    before = (await crm_client.get("/api/v1/sales/forecast", params={"currency": "EUR"})).json()

    assert (await crm_client.delete(f"/api/v1/sales/deals/{deal['id']}")).status_code == 204
    emptied = (await crm_client.get("/api/v1/sales/forecast", params={"currency": "EUR"})).json()
    assert emptied["weighted_total"] == "0.00"
    hits = (await crm_client.get("/api/v1/search", params={"q": "Big"})).json()["items"]
    assert hits == []
    entry = await trashed(crm_client, "sales.deal", deal["id"])
    assert entry["title"] == "Big one"

    response = await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")
    assert response.status_code == 200, response.text
    assert response.json()["url"] == f"/sales/deals/{deal['id']}"
    back = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()
    assert [(c["display_name"], c["role"]) for c in back["contacts"]] == [("Ada", "champion")]
    assert back["company_id"] == acme["id"] and back["stage_name"] == "Proposal"
    assert [visit["stage_name"] for visit in back["history"]] == ["Proposal"]
    after = (await crm_client.get("/api/v1/sales/forecast", params={"currency": "EUR"})).json()
    assert after["weighted_total"] == before["weighted_total"] != "0.00"
    hits = (await crm_client.get("/api/v1/search", params={"q": "Big"})).json()["items"]
    assert [(hit["kind"], hit["id"]) for hit in hits] == [("sales.deal", deal["id"])]


async def test_a_contact_restored_gets_its_deal_roles_back(crm_client, make_deal):
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    deal = await make_deal(contacts=[{"contact_id": ada["id"], "role": "decision_maker"}])
    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["contacts"] == []

    entry = await trashed(crm_client, "contact", ada["id"])
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code == 200
    contacts = (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["contacts"]
    assert [(c["contact_id"], c["role"]) for c in contacts] == [(ada["id"], "decision_maker")]


async def test_a_company_restored_is_the_company_of_its_deals_again(crm_client, make_deal):
    acme = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()
    deal = await make_deal(company_id=acme["id"])
    await crm_client.delete(f"/api/v1/companies/{acme['id']}")
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["company_id"] is None

    entry = await trashed(crm_client, "company", acme["id"])
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code == 200
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["company_id"] == acme["id"]


async def test_the_deal_page_deletes_with_confirmation_and_offers_undo(web_client, make_deal, crm_client):
    import re

    deal = await make_deal(title="Renewal")
    page = (await web_client.get(f"/sales/deals/{deal['id']}")).text
    assert 'data-confirm="Delete Renewal? You can restore it from the trash."' in page
    response = await web_client.post(f"/sales/deals/{deal['id']}/delete", data={"_csrf_token": web_client.csrf(page)})
    assert response.status_code == 303 and response.headers["location"].startswith("/sales/?pipeline=")
    board = (await web_client.get(response.headers["location"])).text
    assert "Deleted Renewal." in board
    undo = re.search(r'action="(/trash/\d+/restore)"', board).group(1)
    restored = await web_client.post(undo, data={"_csrf_token": web_client.csrf(board)})
    assert restored.headers["location"] == f"/sales/deals/{deal['id']}"
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).status_code == 200
