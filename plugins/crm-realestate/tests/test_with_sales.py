"""With the sales plugin, a deal is linked to the property it is about."""

from __future__ import annotations

import pytest

PROPERTIES = "/api/v1/realestate/properties"


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["realestate", "sales"]


async def test_a_deal_is_linked_to_a_property_and_unlinked(crm_client, add_property):
    listing = await add_property("1 Mill Lane")
    deal = await crm_client.post("/api/v1/sales/deals", json={"title": "Sale of 1 Mill Lane", "amount": 350000})
    assert deal.status_code == 201, deal.text
    deal_id = deal.json()["id"]
    linked = await crm_client.post(f"{PROPERTIES}/{listing['id']}/deals", json={"deal_id": deal_id})
    assert linked.status_code == 200, linked.text
    assert [(item["id"], item["title"], item["amount"]) for item in linked.json()] == [(deal_id, "Sale of 1 Mill Lane", 350000.0)]
    again = await crm_client.post(f"{PROPERTIES}/{listing['id']}/deals", json={"deal_id": deal_id})
    assert len(again.json()) == 1
    missing = await crm_client.post(f"{PROPERTIES}/{listing['id']}/deals", json={"deal_id": 9999})
    assert missing.status_code == 422 and set(missing.json()["errors"]) == {"deal_id"}
    history = (await crm_client.get(f"{PROPERTIES}/{listing['id']}/history")).json()
    assert history[0]["changes"] == {"deals": {"from": None, "to": deal_id}}
    assert (await crm_client.delete(f"{PROPERTIES}/{listing['id']}/deals/{deal_id}")).status_code == 204
    assert (await crm_client.get(f"{PROPERTIES}/{listing['id']}/deals")).json() == []


async def test_another_teams_deal_is_neither_shown_nor_linked(crm_running_app, crm_make_user, add_property):
    from crm_platform.testing import client_for

    _, east = await crm_make_user("east@example.com", team="East")
    _, west = await crm_make_user("west@example.com", team="West")
    async with client_for(crm_running_app, east) as ann, client_for(crm_running_app, west) as cid:
        listing = await add_property("1 Mill Lane", client=cid)
        deal = (await ann.post("/api/v1/sales/deals", json={"title": "Secret deal"})).json()
        refused = await cid.post(f"{PROPERTIES}/{listing['id']}/deals", json={"deal_id": deal["id"]})
        assert refused.status_code == 422 and "Secret deal" not in refused.text


async def test_the_deal_page_shows_the_property_it_is_about(crm_client, web_client, add_property):
    listing = await add_property("3 Quay Street")
    deal = (await crm_client.post("/api/v1/sales/deals", json={"title": "Sale of 3 Quay Street"})).json()
    page = await web_client.get(f"/sales/deals/{deal['id']}")
    assert 'aria-label="Properties"' not in page.text
    await crm_client.post(f"{PROPERTIES}/{listing['id']}/deals", json={"deal_id": deal["id"]})
    page = await web_client.get(f"/sales/deals/{deal['id']}")
    assert f'<a href="/realestate/properties/{listing["id"]}">3 Quay Street</a>' in page.text
