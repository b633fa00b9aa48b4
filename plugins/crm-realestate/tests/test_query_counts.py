"""The lists, a property's page and the matches cost the same number of statements for 3
listings, offers or buyers as for 20."""

from __future__ import annotations

from crm_platform import runtime

BUYER = {"realestate_role": ["buyer"], "realestate_wanted_areas": "Riverside"}


async def _statements(client, path: str) -> int:
    """The fewest of a few tries: the plugin state is re-read now and then by whichever request
    comes, which is not this page's cost."""
    engine = runtime.current().engine
    await client.get(path)
    counts = []
    for _ in range(3):
        before = engine.statements_run
        response = await client.get(path)
        assert response.status_code == 200, response.text
        counts.append(engine.statements_run - before)
    return min(counts)


async def test_pages_and_matches_do_not_query_per_row(web_client, crm_client, add_property, add_contact):
    listing = await add_property("1 Mill Lane")
    buyer = await add_contact("Bea", **BUYER)
    paths = ("/realestate/", "/api/v1/realestate/properties", f"/realestate/properties/{listing['id']}",
             f"/api/v1/realestate/properties/{listing['id']}/buyers",
             f"/api/v1/realestate/contacts/{buyer['id']}/listings", f"/contacts/{buyer['id']}",
             "/api/v1/realestate/properties/export.csv")

    async def grow(count: int, start: int) -> None:
        for number in range(start, start + count):
            owner = await add_contact(f"Owner {number}", **BUYER)
            await add_property(f"{number} Lane", owner_contact_id=owner["id"])
            await crm_client.post(f"/api/v1/realestate/properties/{listing['id']}/offers",
                                  json={"amount": 1000 + number, "buyer_contact_id": owner["id"]})

    await grow(3, 0)
    few = {path: await _statements(web_client, path) for path in paths}
    await grow(17, 3)
    assert {path: await _statements(web_client, path) for path in paths} == few
