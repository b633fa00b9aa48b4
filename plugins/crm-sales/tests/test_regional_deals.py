"""Deals in the user's regional preferences: a new deal starts in the user's currency (else
the plugin's, else the instance's), amounts are typed and shown in the user's number format."""

from __future__ import annotations

from decimal import Decimal


async def test_a_new_deal_starts_in_the_instances_currency_until_the_plugin_or_the_user_chooses(crm_client):
    await crm_client.put("/api/v1/settings/core/currency", json={"value": "GBP"})
    first = (await crm_client.post("/api/v1/sales/deals", json={"title": "One"})).json()
    assert first["currency"] == "GBP"
    await crm_client.put("/api/v1/settings/sales/default_currency", json={"value": "CHF"})
    assert (await crm_client.post("/api/v1/sales/deals", json={"title": "Two"})).json()["currency"] == "CHF"
    await crm_client.put("/api/v1/account/preferences", json={"currency": "USD"})
    assert (await crm_client.post("/api/v1/sales/deals", json={"title": "Three"})).json()["currency"] == "USD"


async def test_the_new_deal_form_offers_the_users_currency(web_client, crm_client):
    await crm_client.put("/api/v1/account/preferences", json={"currency": "JPY"})
    form = await web_client.get("/sales/deals/new")
    assert 'value="JPY"' in form.text


async def test_an_amount_is_typed_and_shown_in_the_users_number_format(web_client, crm_client, pipeline):
    await crm_client.put("/api/v1/account/preferences", json={"number_format": "1.234,56"})
    form = await web_client.get("/sales/deals/new")
    response = await web_client.post("/sales/deals/new", data={
        "_csrf_token": web_client.csrf(form.text), "title": "Rollout", "amount": "1.200,50", "currency": "EUR",
        "stage_id": str(pipeline["by_name"]["Qualified"]["id"]),
    })
    assert response.status_code == 302, response.text
    deal_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert Decimal((await crm_client.get(f"/api/v1/sales/deals/{deal_id}")).json()["amount"]) == Decimal("1200.50")
    page = await web_client.get(f"/sales/deals/{deal_id}")
    assert "1.200,50 EUR" in page.text
    edit = await web_client.get(f"/sales/deals/{deal_id}/edit")
    assert 'value="1.200,50"' in edit.text


async def test_an_amount_the_user_format_cannot_read_is_refused_on_its_field(web_client, crm_client, pipeline):
    await crm_client.put("/api/v1/account/preferences", json={"number_format": "1,234.56"})
    form = await web_client.get("/sales/deals/new")
    response = await web_client.post("/sales/deals/new", data={
        "_csrf_token": web_client.csrf(form.text), "title": "Rollout", "amount": "twelve", "currency": "EUR",
        "stage_id": str(pipeline["by_name"]["Qualified"]["id"]),
    })
    assert response.status_code == 422
    assert "must be an amount like 1,200.50" in response.text
