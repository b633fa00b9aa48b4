"""Showings on the timelines of the property and of the visitor; offers on a property."""

from __future__ import annotations

PROPERTIES = "/api/v1/realestate/properties"


async def test_a_showing_is_on_the_propertys_and_the_visitors_timeline(crm_client, add_property, add_contact):
    listing = await add_property()
    visitor = await add_contact("Vic")
    response = await crm_client.post("/api/v1/activities", json={
        "type": "realestate_showing", "subject": "Viewing with Vic",
        "links": [{"record_type": "realestate.property", "record_id": listing["id"]},
                  {"record_type": "contact", "record_id": visitor["id"]}],
    })
    assert response.status_code == 201, response.text
    timeline = (await crm_client.get(f"{PROPERTIES}/{listing['id']}/timeline")).json()["items"]
    assert [(item["type"], item["subject"]) for item in timeline] == [("realestate_showing", "Viewing with Vic")]
    contact_timeline = (await crm_client.get(f"/api/v1/contacts/{visitor['id']}/timeline")).json()
    assert [entry["title"] for entry in contact_timeline["items"]] == ["Viewing with Vic"]


async def test_a_showing_of_a_missing_property_is_refused(crm_client):
    response = await crm_client.post("/api/v1/activities", json={
        "type": "realestate_showing", "subject": "Nowhere",
        "links": [{"record_type": "realestate.property", "record_id": 9999}]})
    assert response.status_code == 422 and "links" in str(response.json()["errors"])


async def test_offers_are_made_changed_and_checked(crm_client, add_property, add_contact):
    listing = await add_property()
    buyer = await add_contact("Bea")
    made = await crm_client.post(f"{PROPERTIES}/{listing['id']}/offers", json={
        "amount": "295000", "buyer_contact_id": buyer["id"], "conditions": "Subject to mortgage"})
    assert made.status_code == 201, made.text
    offer = made.json()
    assert (offer["amount"], offer["status"], offer["buyer_contact_id"]) == (295000.0, "made", buyer["id"])
    accepted = await crm_client.patch(f"/api/v1/realestate/offers/{offer['id']}", json={"status": "accepted"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    bad = await crm_client.post(f"{PROPERTIES}/{listing['id']}/offers", json={
        "amount": -5, "status": "maybe", "buyer_contact_id": 99999, "currency": "pounds"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"amount", "status", "buyer_contact_id", "currency"}
    assert [item["id"] for item in (await crm_client.get(f"{PROPERTIES}/{listing['id']}/offers")).json()] == [offer["id"]]
    assert (await crm_client.post(f"{PROPERTIES}/9999/offers", json={"amount": 1})).status_code == 404


async def test_listings_and_offers_follow_a_merge_of_contacts_and_its_undo(crm_client, add_property, add_contact):
    survivor = await add_contact("Olga")
    duplicate = await add_contact("Olga Twin")
    listing = await add_property(owner_contact_id=duplicate["id"])
    offer = (await crm_client.post(f"{PROPERTIES}/{listing['id']}/offers",
                                   json={"amount": 10, "buyer_contact_id": duplicate["id"]})).json()
    merged = await crm_client.post("/api/v1/merges", json={"kind": "contact", "survivor_id": survivor["id"],
                                                           "other_id": duplicate["id"]})
    assert merged.status_code in (200, 201), merged.text
    assert (await crm_client.get(f"{PROPERTIES}/{listing['id']}")).json()["owner_contact_id"] == survivor["id"]
    assert (await crm_client.get(f"/api/v1/realestate/offers/{offer['id']}")).json()["buyer_contact_id"] == survivor["id"]
    undone = await crm_client.post(f"/api/v1/merges/{merged.json()['merge_id']}/undo")
    assert undone.status_code in (200, 201), undone.text
    assert (await crm_client.get(f"{PROPERTIES}/{listing['id']}")).json()["owner_contact_id"] == duplicate["id"]


async def test_a_deleted_owner_comes_back_on_its_listings_with_the_restore(crm_client, web_client, add_property,
                                                                         add_contact):
    owner = await add_contact("Olga")
    listing = await add_property(owner_contact_id=owner["id"])
    assert (await crm_client.delete(f"/api/v1/contacts/{owner['id']}")).status_code == 204
    assert "Olga" not in (await web_client.get(f"/realestate/properties/{listing['id']}")).text
    [entry] = (await crm_client.get("/api/v1/trash", params={"kind": "contact"})).json()["items"]
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code == 200
    assert "Olga" in (await web_client.get(f"/realestate/properties/{listing['id']}")).text
