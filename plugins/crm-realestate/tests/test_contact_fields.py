"""The buyer's, seller's, landlord's and tenant's fields on contacts, declared as the contract's
typed custom fields: the core shows them everywhere with no code of the plugin's."""

from __future__ import annotations

import csv
import io

BUYER = {
    "realestate_role": ["buyer", "seller"], "realestate_budget_min": 250000, "realestate_budget_max": "400000.50",
    "realestate_wanted_areas": "Riverside, Old Town", "realestate_wanted_types": ["apartment", "house"],
    "realestate_mortgage_amount": 320000, "realestate_mortgage_lender": "Northbank Mortgages",
    "realestate_mortgage_expiry": "2027-03-31",
}


async def test_the_api_checks_each_field_by_its_kind(crm_client):
    response = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "custom": {
        "realestate_role": ["landlady"], "realestate_budget_min": "lots", "realestate_wanted_types": ["castle"],
        "realestate_mortgage_expiry": "next year",
    }})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"custom.realestate_role", "custom.realestate_budget_min",
                                              "custom.realestate_wanted_types", "custom.realestate_mortgage_expiry"}
    stored = (await crm_client.post("/api/v1/contacts", json={"given_name": "Bo", "custom": BUYER})).json()["custom"]
    assert stored["realestate_role"] == ["buyer", "seller"] and stored["realestate_budget_max"] == 400000.5


async def test_the_contact_form_has_an_input_for_each_field(web_client):
    page = (await web_client.get("/contacts/new")).text
    for label in ("Real estate role", "Budget from", "Budget up to", "Wanted areas", "Wanted property types",
                  "Mortgage pre-approval", "Mortgage lender", "Pre-approval expires"):
        assert label in page
    assert 'name="custom.realestate_mortgage_expiry"' in page and 'type="date"' in page


async def test_the_form_stores_the_fields(web_client, crm_client):
    form = (await web_client.get("/contacts/new")).text
    response = await web_client.post("/contacts", data={
        "given_name": "Cai", "custom.realestate_role": "tenant", "custom.realestate_budget_max": "1500",
        "custom.realestate_wanted_areas": "Harbour", "_csrf_token": web_client.csrf(form),
    })
    assert response.status_code == 303, response.text
    contact = (await crm_client.get(response.headers["location"].replace("/contacts/", "/api/v1/contacts/"))).json()
    assert contact["custom"] == {"realestate_role": ["tenant"], "realestate_budget_max": 1500,
                                 "realestate_wanted_areas": "Harbour"}


async def test_the_list_filters_and_shows_them_as_columns(crm_client, web_client, add_contact):
    await add_contact("Buyer Bea", **BUYER)
    await add_contact("Landlord Lu", realestate_role=["landlord"], realestate_mortgage_lender="Southbank")
    found = await crm_client.get("/api/v1/contacts", params=[("custom", "realestate_role:contains:buyer"),
                                                              ("custom", "realestate_budget_max:gt:300000")])
    assert [row["display_name"] for row in found.json()["items"]] == ["Buyer Bea"]
    page = (await web_client.get("/contacts", params={"cf": "realestate_role", "co": "contains", "cv": "landlord",
                                                      "cols": "realestate_mortgage_lender"})).text
    assert "Landlord Lu" in page and "Buyer Bea" not in page
    assert "Mortgage lender" in page and "Southbank" in page


async def test_search_finds_the_fields_marked_searchable_only(crm_client, add_contact):
    await add_contact("Buyer Bea", **BUYER)

    async def names(q: str) -> list[str]:
        response = await crm_client.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, response.text
        return [hit["title"] for hit in response.json()["items"]] if isinstance(response.json(), dict) else [
            hit["title"] for hit in response.json()]

    assert "Buyer Bea" in await names("Northbank")
    assert "Buyer Bea" in await names("Riverside")
    assert "Buyer Bea" not in await names("2027")


async def test_the_export_has_a_column_for_each_field(web_client, add_contact):
    contact = await add_contact("Buyer Bea", **BUYER)
    page = (await web_client.get("/contacts")).text
    response = await web_client.post("/contacts/bulk", data={
        "ids": str(contact["id"]), "action": "export", "_csrf_token": web_client.csrf(page)})
    assert response.status_code == 200, response.text
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["realestate_mortgage_lender"] == "Northbank Mortgages"
    assert row["realestate_wanted_areas"] == "Riverside, Old Town"
    assert row["realestate_budget_min"] == "250000"


async def test_an_import_maps_columns_to_the_fields_by_their_labels(crm_cli, crm_client, tmp_path):
    path = tmp_path / "buyers.csv"
    path.write_text("Name,Email,Real estate role,Budget up to,Wanted areas,Mortgage lender\n"
                    "Dee Buyer,dee@example.com,buyer,350000,Riverside,Westbank\n", encoding="utf-8")
    result = crm_cli("import", str(path), "--kind", "contact")
    assert result.exit_code == 0, result.output
    found = (await crm_client.get("/api/v1/contacts", params={"custom": "realestate_mortgage_lender:Westbank"})).json()
    [contact] = found["items"]
    full = (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).json()
    assert full["custom"] == {"realestate_role": ["buyer"], "realestate_budget_max": 350000,
                              "realestate_wanted_areas": "Riverside", "realestate_mortgage_lender": "Westbank"}
