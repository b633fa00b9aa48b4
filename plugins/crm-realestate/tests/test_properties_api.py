"""Properties through the API: their whole life, lists, filters and pages, bad input, export."""

from __future__ import annotations

import csv
import io

PROPERTIES = "/api/v1/realestate/properties"


async def test_a_property_is_listed_read_changed_and_audited(crm_client, crm_admin, add_property, add_contact):
    owner = await add_contact("Olga")
    listing = await add_property(
        "  12   Quay Side ", area="Harbour", type="apartment", bedrooms=2, bathrooms=1, area_m2="74.5",
        price="425000", currency="eur", owner_contact_id=owner["id"], photos=["https://img.example.com/1.jpg"],
        tags=["Sea view"], custom={},
    )
    assert listing["address"] == "12 Quay Side"
    assert (listing["currency"], listing["price"], listing["area_m2"], listing["status"]) == ("EUR", 425000.0, 74.5, "for_sale")
    assert (listing["agent_id"], listing["owner_contact_id"], listing["tags"]) == (crm_admin[0].id, owner["id"], ["sea view"])
    assert (await crm_client.get(f"{PROPERTIES}/{listing['id']}")).json() == listing

    changed = await crm_client.patch(f"{PROPERTIES}/{listing['id']}", json={"status": "under_offer", "price": 410000})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.json()["price"], changed.json()["type"]) == ("under_offer", 410000.0, "apartment")
    history = (await crm_client.get(f"{PROPERTIES}/{listing['id']}/history")).json()
    assert history[0]["action"] == "update"
    assert history[0]["changes"]["status"] == {"from": "for_sale", "to": "under_offer"}


async def test_bad_input_is_a_422_naming_each_field_and_nothing_is_written(crm_client, add_property, add_contact):
    response = await crm_client.post(PROPERTIES, json={
        "address": " ", "type": "castle", "status": "gone", "bedrooms": -1, "price": "lots", "currency": "euros",
        "photos": ["javascript:alert(1)", "https://ok.example.com/a.jpg", "ftp://x.example.com/b"],
        "owner_contact_id": 99999, "custom": {"realestate_nosuch": 1},
    })
    assert response.status_code == 422, response.text
    assert set(response.json()["errors"]) == {
        "address", "type", "status", "bedrooms", "price", "currency", "photos[0]", "photos[2]",
        "owner_contact_id", "custom.realestate_nosuch",
    }
    assert (await crm_client.get(PROPERTIES)).json()["items"] == []
    listing = await add_property()
    bad = await crm_client.patch(f"{PROPERTIES}/{listing['id']}", json={"price": "1.234"})
    assert bad.status_code == 422 and bad.json()["errors"] == {"price": "must have at most 2 decimals"}


async def test_lists_filter_and_page_by_keyset(crm_client, add_property, add_contact):
    for number, (area, kind, price, bedrooms) in enumerate([
        ("Riverside", "house", 250000, 3), ("Riverside", "apartment", 180000, 1), ("Old Town", "house", 520000, 4),
        ("riverside", "house", 310000, 2), ("Harbour", "land", 90000, None),
    ]):
        await add_property(f"{number} Lane", area=area, type=kind, price=price, bedrooms=bedrooms)

    async def addresses(**params) -> list[str]:
        response = await crm_client.get(PROPERTIES, params=params)
        assert response.status_code == 200, response.text
        return [item["address"] for item in response.json()["items"]]

    assert await addresses(area="RIVERSIDE", type="house", sort="price") == ["0 Lane", "3 Lane"]
    assert await addresses(min_price=200000, max_price=400000, sort="-price") == ["3 Lane", "0 Lane"]
    assert await addresses(min_bedrooms=3, sort="address") == ["0 Lane", "2 Lane"]
    first = (await crm_client.get(PROPERTIES, params={"sort": "price", "limit": 2})).json()
    assert [item["address"] for item in first["items"]] == ["4 Lane", "1 Lane"]
    second = (await crm_client.get(PROPERTIES, params={"sort": "price", "limit": 2, "cursor": first["next_cursor"]})).json()
    assert [item["address"] for item in second["items"]] == ["0 Lane", "3 Lane"]
    bad = await crm_client.get(PROPERTIES, params={"status": "gone", "min_price": "cheap"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"status", "min_price"}


async def test_a_deleted_property_goes_to_the_trash_with_its_offers_and_comes_back(crm_client, add_property, add_contact):
    listing = await add_property()
    offer = await crm_client.post(f"{PROPERTIES}/{listing['id']}/offers", json={"amount": 290000, "conditions": "Subject to survey"})
    assert offer.status_code == 201, offer.text
    assert (await crm_client.delete(f"{PROPERTIES}/{listing['id']}")).status_code == 204
    assert (await crm_client.get(f"{PROPERTIES}/{listing['id']}")).status_code == 404
    [entry] = (await crm_client.get("/api/v1/trash", params={"kind": "realestate.property"})).json()["items"]
    assert entry["title"] == "1 Mill Lane"
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code == 200
    assert (await crm_client.get(f"{PROPERTIES}/{listing['id']}")).json()["address"] == "1 Mill Lane"
    offers = (await crm_client.get(f"{PROPERTIES}/{listing['id']}/offers")).json()
    assert [(item["amount"], item["conditions"]) for item in offers] == [(290000.0, "Subject to survey")]


async def test_the_csv_export_has_the_filtered_listings_and_safe_cells(crm_client, add_property, add_contact):
    owner = await add_contact("Olga")
    await add_property("=HYPERLINK(1)", owner_contact_id=owner["id"], tags=["garden"])
    await add_property("9 Hill Road", status="sold")
    response = await crm_client.get(f"{PROPERTIES}/export.csv", params={"status": "for_sale"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(row["address"], row["owner"], row["tags"]) for row in rows] == [("'=HYPERLINK(1)", "Olga", "garden")]


async def test_a_hand_over_moves_the_listings_on_the_market_only(crm_client, crm_make_user, add_property, add_contact):
    leaving, _ = await crm_make_user("leaving@example.com", team="North")
    taking, _ = await crm_make_user("taking@example.com", team="North")
    open_listing = await add_property("1 Open Road", agent_id=leaving.id)
    sold = await add_property("2 Sold Road", agent_id=leaving.id, status="sold")
    response = await crm_client.post(f"/api/v1/users/{leaving.id}/hand-over", json={"to_user_id": taking.id})
    assert response.status_code in (200, 201), response.text
    assert (await crm_client.get(f"{PROPERTIES}/{open_listing['id']}")).json()["agent_id"] == taking.id
    assert (await crm_client.get(f"{PROPERTIES}/{sold['id']}")).json()["agent_id"] == leaving.id


async def test_without_sales_linking_a_deal_says_what_is_missing(crm_client, add_property):
    listing = await add_property()
    response = await crm_client.post(f"{PROPERTIES}/{listing['id']}/deals", json={"deal_id": 1})
    assert response.status_code == 422
    assert response.json()["errors"] == {"deal_id": "deals need the sales plugin, which is not enabled"}
    assert (await crm_client.get(f"{PROPERTIES}/{listing['id']}/deals")).json() == []
