"""The pages under /realestate/ and the panels on contact pages, as a signed-in user sees them."""

from __future__ import annotations

BUYER = {"realestate_role": ["buyer"], "realestate_budget_max": 400000, "realestate_wanted_areas": "Riverside"}


async def _post(client, path: str, form_page: str, **data) -> object:
    return await client.post(path, data={**data, "_csrf_token": client.csrf((await client.get(form_page)).text)})


async def test_a_listing_is_made_from_the_form_and_a_wrong_field_is_named(web_client, crm_client, add_contact):
    owner = await add_contact("Olga")
    bad = await _post(web_client, "/realestate/properties", "/realestate/properties/new",
                      address="1 Mill Lane", price="lots", type="house", status="for_sale", currency="EUR",
                      photos="javascript:alert(1)")
    assert bad.status_code == 422
    assert "Price: must be a number" in bad.text and "must be an http or https address" in bad.text
    assert (await crm_client.get("/api/v1/realestate/properties")).json()["items"] == []
    made = await _post(web_client, "/realestate/properties", "/realestate/properties/new",
                       address="1 Mill Lane", area="Riverside", price="350000", type="house", status="for_sale",
                       currency="EUR", bedrooms="3", owner_pick=f"contact:{owner['id']}",
                       photos="https://img.example.com/front.jpg\n")
    assert made.status_code == 303, made.text
    page = (await web_client.get(made.headers["location"])).text
    assert "1 Mill Lane" in page and "Olga" in page and 'src="https://img.example.com/front.jpg"' in page
    listing_id = int(made.headers["location"].rsplit("/", 1)[1])
    edited = await _post(web_client, f"/realestate/properties/{listing_id}", f"/realestate/properties/{listing_id}/edit",
                         address="1 Mill Lane", area="Riverside", price="340000", type="house", status="under_offer",
                         currency="EUR")
    assert edited.status_code == 303
    listing = (await crm_client.get(f"/api/v1/realestate/properties/{listing_id}")).json()
    assert (listing["price"], listing["status"], listing["owner_contact_id"]) == (340000.0, "under_offer", None)


async def test_the_list_filters_and_the_detail_shows_buyers_offers_and_showings(web_client, add_property, add_contact):
    buyer = await add_contact("Bea", **BUYER)
    listing = await add_property("1 Mill Lane", price=350000)
    await add_property("2 Harbour View", area="Harbour")
    page = (await web_client.get("/realestate/", params={"area": "riverside"})).text
    assert "1 Mill Lane" in page and "2 Harbour View" not in page
    assert (await web_client.get("/realestate/", params={"min_price": "cheap"})).status_code == 422

    path = f"/realestate/properties/{listing['id']}"
    assert (await _post(web_client, f"{path}/offers", path, amount="340000", conditions="Cash buyer",
                        buyer_pick=f"contact:{buyer['id']}")).status_code == 303
    assert (await _post(web_client, f"{path}/showings", path, visitor_pick=f"contact:{buyer['id']}",
                        occurred_at="2026-11-30T10:00", notes="Liked the garden")).status_code == 303
    bad_offer = await _post(web_client, f"{path}/offers", path, amount="")
    assert bad_offer.status_code == 422 and "Amount: is required" in bad_offer.text
    detail = (await web_client.get(path)).text
    assert "Bea" in detail and "In Riverside: a wanted area" in detail
    assert "340,000 EUR" in detail and "Cash buyer" in detail
    assert "Showing of 1 Mill Lane" in detail
    contact_page = (await web_client.get(f"/contacts/{buyer['id']}")).text
    assert "Matching listings" in contact_page and "1 Mill Lane" in contact_page
    assert "Showing of 1 Mill Lane" in contact_page


async def test_deleting_from_the_page_offers_undo(web_client, add_property):
    listing = await add_property("1 Mill Lane")
    path = f"/realestate/properties/{listing['id']}"
    response = await _post(web_client, f"{path}/delete", path)
    assert response.status_code == 303 and response.headers["location"] == "/realestate/"
    page = (await web_client.get("/realestate/")).text
    assert "Deleted 1 Mill Lane." in page and "Undo" in page
    assert (await web_client.get(path)).status_code == 404
