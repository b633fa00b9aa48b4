"""``crm demo`` loads listings owned by demo contacts and buyers who match some of them."""

from __future__ import annotations

from crm_platform.toolkit import fetch


async def test_the_demo_has_listings_and_buyers_that_match_them(crm_cli, crm_client):
    result = crm_cli("demo", "--contacts", "60", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "Loaded 40 listings and 15 buyers." in result.output
    listings = (await crm_client.get("/api/v1/realestate/properties", params={"status": "for_sale", "limit": 200})).json()
    assert listings["items"] and all(item["owner_contact_id"] for item in listings["items"])
    assert (await fetch("SELECT count(DISTINCT contact_id) AS n FROM realestate_wish"))[0]["n"] == 15
    matched = [
        item for item in listings["items"]
        if (await crm_client.get(f"/api/v1/realestate/properties/{item['id']}/buyers")).json()["items"]
    ]
    assert matched, "some demo listing has a buyer"
