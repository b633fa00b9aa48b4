"""Wrong input is refused with a 422 naming the field, and nothing changes."""

from __future__ import annotations

from crm_platform.toolkit import fetch


async def test_a_negative_amount_is_refused(crm_client):
    response = await crm_client.post("/api/v1/sales/deals", json={"title": "Refund", "amount": "-5"})
    assert response.status_code == 422
    assert "amount" in response.json()["errors"]
    assert (await crm_client.get("/api/v1/sales/deals")).json()["items"] == []


async def test_an_unknown_currency_is_refused(crm_client, make_deal):
    deal = await make_deal(currency="EUR")
    response = await crm_client.patch(f"/api/v1/sales/deals/{deal['id']}", json={"currency": "XYZ"})
    assert response.status_code == 422
    assert "ISO 4217" in response.json()["errors"]["currency"]
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["currency"] == "EUR"


async def test_moving_to_a_stage_of_another_pipeline_is_refused(crm_client, make_deal, pipeline):
    other = await crm_client.post(
        "/api/v1/sales/pipelines",
        json={"name": "Renewals", "stages": [{"name": "Due"}, {"name": "Renewed", "kind": "won"}, {"name": "Churned", "kind": "lost"}]},
    )
    deal = await make_deal()
    response = await crm_client.post(
        f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": other.json()["stages"][0]["id"]}
    )
    assert response.status_code == 422
    assert "stage_id" in response.json()["errors"]
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["stage_id"] == deal["stage_id"]


async def test_closing_as_lost_needs_a_reason_from_the_list(crm_client, make_deal, pipeline):
    deal = await make_deal()
    lost = pipeline["by_name"]["Lost"]["id"]
    without = await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": lost})
    unknown = await crm_client.post(
        f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": lost, "lost_reason": "Bad weather"}
    )
    assert without.status_code == unknown.status_code == 422
    assert "lost_reason" in without.json()["errors"] and "lost_reason" in unknown.json()["errors"]
    assert (await crm_client.get(f"/api/v1/sales/deals/{deal['id']}")).json()["status"] == "open"
    assert await fetch("SELECT id FROM sales_stage_change WHERE stage_to = {}", lost) == []


async def test_an_unknown_contact_role_and_company_are_named(crm_client):
    response = await crm_client.post(
        "/api/v1/sales/deals",
        json={"title": "X", "company_id": 999, "contacts": [{"contact_id": 998, "role": "boss"}]},
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"company_id", "contacts[0].contact_id", "contacts[0].role"}


async def test_a_pipeline_without_a_won_stage_is_refused(crm_client):
    response = await crm_client.post(
        "/api/v1/sales/pipelines", json={"name": "Odd", "stages": [{"name": "A"}, {"name": "B"}, {"name": "C", "kind": "lost"}]}
    )
    assert response.status_code == 422
    assert "stages" in response.json()["errors"]


async def test_a_deal_title_with_a_control_character_is_a_422_naming_it(crm_client):
    response = await crm_client.post("/api/v1/sales/deals", json={"title": "Big\x00deal"})
    assert response.status_code == 422
    assert "title" in response.json()["errors"]
