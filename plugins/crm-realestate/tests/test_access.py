"""Members see their own and their team's listings, offers and buyers, and nothing of another
team's: not in lists, pages, search, matches or the names a listing shows."""

from __future__ import annotations

from crm_platform.testing import assert_hidden_from, assert_names_hidden, client_for

PROPERTIES = "/api/v1/realestate/properties"
BUYER = {"realestate_role": ["buyer"], "realestate_wanted_areas": "Riverside"}


async def test_another_team_sees_nothing_of_a_listing(crm_running_app, crm_make_user, add_property, add_contact):
    _, east = await crm_make_user("east@example.com", team="East")
    _, east_too = await crm_make_user("east2@example.com", team="East")
    _, west = await crm_make_user("west@example.com", team="West")
    async with (client_for(crm_running_app, east) as ann, client_for(crm_running_app, east_too) as bob,
                client_for(crm_running_app, west) as cid):
        owner = await add_contact("Secret Owner", client=ann)
        listing = await add_property("7 Hidden Way", client=ann, owner_contact_id=owner["id"])
        offer = (await ann.post(f"{PROPERTIES}/{listing['id']}/offers", json={"amount": 1000})).json()

        assert (await bob.get(f"{PROPERTIES}/{listing['id']}")).status_code == 200
        assert [item["id"] for item in (await bob.get(PROPERTIES)).json()["items"]] == [listing["id"]]
        await assert_hidden_from(cid, f"{PROPERTIES}/{listing['id']}", "7 Hidden Way")
        await assert_hidden_from(cid, f"/realestate/properties/{listing['id']}", "7 Hidden Way")
        await assert_hidden_from(cid, f"/api/v1/realestate/offers/{offer['id']}")
        await assert_hidden_from(cid, f"{PROPERTIES}/{listing['id']}/buyers")
        await assert_names_hidden(cid, PROPERTIES, "7 Hidden Way")
        await assert_names_hidden(cid, f"{PROPERTIES}/export.csv", "7 Hidden Way", "Secret Owner")
        await assert_names_hidden(cid, "/api/v1/search?q=hidden", "7 Hidden Way")
        assert (await cid.patch(f"{PROPERTIES}/{listing['id']}", json={"price": 1})).status_code in (403, 404)
        assert (await cid.delete(f"{PROPERTIES}/{listing['id']}")).status_code in (403, 404)
        # A listing names as its owner only a contact its agent may see: Bob's team's, not Cid's.
        allowed = await bob.post(PROPERTIES, json={"address": "1 Own Road", "owner_contact_id": owner["id"]})
        assert allowed.status_code == 201
        refused = await cid.post(PROPERTIES, json={"address": "1 Own Road", "owner_contact_id": owner["id"]})
        assert refused.status_code == 422 and "Secret Owner" not in refused.text


async def test_matches_show_only_the_buyers_and_listings_a_member_may_see(crm_running_app, crm_make_user,
                                                                         add_property, add_contact):
    _, east = await crm_make_user("east@example.com", team="East")
    _, west = await crm_make_user("west@example.com", team="West")
    async with client_for(crm_running_app, east) as ann, client_for(crm_running_app, west) as cid:
        east_buyer = await add_contact("East Buyer", client=ann, **BUYER)
        await add_contact("West Buyer", client=cid, **BUYER)
        east_listing = await add_property("1 East Road", client=ann)
        await add_property("2 West Road", client=cid)

        buyers = (await ann.get(f"{PROPERTIES}/{east_listing['id']}/buyers")).json()["items"]
        assert [item["name"] for item in buyers] == ["East Buyer"]
        listings = (await ann.get(f"/api/v1/realestate/contacts/{east_buyer['id']}/listings")).json()["items"]
        assert [item["address"] for item in listings] == ["1 East Road"]
        await assert_hidden_from(cid, f"/api/v1/realestate/contacts/{east_buyer['id']}/listings", "1 East Road")


async def test_a_buyer_handed_to_another_team_is_matched_for_that_team(crm_running_app, crm_client, crm_make_user,
                                                                        add_property, add_contact):
    _, east = await crm_make_user("east@example.com", team="East")
    west_user, west = await crm_make_user("west@example.com", team="West")
    async with client_for(crm_running_app, east) as ann, client_for(crm_running_app, west) as cid:
        buyer = await add_contact("Moving Buyer", client=ann, **BUYER)
        handed = await crm_client.patch(f"/api/v1/contacts/{buyer['id']}", json={"owner_id": west_user.id})
        assert handed.status_code == 200, handed.text
        listing = await add_property("2 West Road", client=cid)
        buyers = (await cid.get(f"{PROPERTIES}/{listing['id']}/buyers")).json()["items"]
        assert [item["name"] for item in buyers] == ["Moving Buyer"]
