"""Matching both ways: listings for a buyer and buyers for a listing, each with its reasons."""

from __future__ import annotations

PROPERTIES = "/api/v1/realestate/properties"
WANTS = {"realestate_role": ["buyer"], "realestate_budget_min": 200000, "realestate_budget_max": 400000,
         "realestate_wanted_areas": "Riverside, old town", "realestate_wanted_types": ["house", "apartment"]}


async def _listings(client, contact_id: int, **params) -> dict:
    response = await client.get(f"/api/v1/realestate/contacts/{contact_id}/listings", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_buyer_is_offered_the_listings_that_fit_cheapest_first_with_reasons(crm_client, add_property,
                                                                                   add_contact):
    buyer = await add_contact("Bea", **WANTS)
    fits = await add_property("1 Fits Lane", area="Old Town", type="apartment", price=350000)
    cheaper = await add_property("2 Cheaper Lane", area="riverside", type="house", price=210000)
    for address, fields in [
        ("3 Too Dear", {"price": 450000}), ("4 Elsewhere", {"area": "Harbour"}), ("5 Land", {"type": "land"}),
        ("6 Sold", {"status": "sold"}), ("7 Rental", {"status": "for_rent", "price": 1500}),
        ("8 Dollars", {"currency": "USD"}), ("9 No Price", {"price": None}),
    ]:
        await add_property(address, **fields)
    found = await _listings(crm_client, buyer["id"])
    assert found["is_seeking"] is True
    assert [item["id"] for item in found["items"]] == [cheaper["id"], fits["id"]]
    assert found["items"][1]["reasons"] == [
        "For sale at 350,000 EUR: within the budget of 200,000 EUR to 400,000 EUR",
        "In Old Town: a wanted area", "Apartment: a wanted type",
    ]
    first = await _listings(crm_client, buyer["id"], limit=1)
    assert [item["id"] for item in first["items"]] == [cheaper["id"]]
    rest = await _listings(crm_client, buyer["id"], limit=1, cursor=first["next_cursor"])
    assert [item["id"] for item in rest["items"]] == [fits["id"]] and rest["next_cursor"] is None


async def test_a_contact_who_seeks_nothing_has_no_matches(crm_client, add_property, add_contact):
    seller = await add_contact("Sam", realestate_role=["seller"])
    await add_property()
    assert await _listings(crm_client, seller["id"]) == {"is_seeking": False, "items": [], "next_cursor": None}


async def test_a_new_listing_finds_its_buyers_and_follows_their_changes(crm_client, add_property, add_contact):
    bea = await add_contact("Bea", **WANTS)
    open_minded = await add_contact("Oli", realestate_role=["buyer"])  # any area, type and price
    await add_contact("Poor", realestate_role=["buyer"], realestate_budget_max=100000)
    await add_contact("Tenant", realestate_role=["tenant"])
    listing = await add_property("1 Fits Lane", area="Riverside", type="house", price=300000)

    async def buyers() -> list[tuple[str, list[str]]]:
        response = await crm_client.get(f"{PROPERTIES}/{listing['id']}/buyers")
        assert response.status_code == 200, response.text
        return [(item["name"], item["reasons"]) for item in response.json()["items"]]

    assert await buyers() == [
        ("Bea", ["For sale at 300,000 EUR: within the budget of 200,000 EUR to 400,000 EUR",
                 "In Riverside: a wanted area", "House: a wanted type"]),
        ("Oli", ["For sale at 300,000 EUR: no budget was given", "Any area is wanted", "Any type is wanted"]),
    ]
    await crm_client.patch(f"/api/v1/contacts/{bea['id']}", json={"custom": {"realestate_budget_max": 250000}})
    assert [name for name, _ in await buyers()] == ["Oli"]
    await crm_client.delete(f"/api/v1/contacts/{open_minded['id']}")
    assert await buyers() == []
    await crm_client.patch(f"{PROPERTIES}/{listing['id']}", json={"status": "for_rent", "price": 1200})
    assert [name for name, _ in await buyers()] == ["Tenant"]


async def test_matching_buyers_come_a_page_at_a_time(crm_client, add_property, add_contact):
    for name in ("A", "B", "C"):
        await add_contact(name, realestate_role=["buyer"])
    listing = await add_property()
    first = (await crm_client.get(f"{PROPERTIES}/{listing['id']}/buyers", params={"limit": 2})).json()
    second = (await crm_client.get(f"{PROPERTIES}/{listing['id']}/buyers",
                                   params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [item["name"] for item in first["items"] + second["items"]] == ["A", "B", "C"]
    assert second["next_cursor"] is None
