"""Merging two contacts moves the merged one's orders and points to the survivor; undoing the
merge moves them back."""

from __future__ import annotations


async def test_a_merge_moves_orders_and_points_and_its_undo_moves_them_back(crm_client, make_contact, make_order):
    ada, twin = await make_contact("Ada"), await make_contact("Ada L")
    await make_order(ada["id"], "1")
    theirs = await make_order(twin["id"], "2")
    merged = await crm_client.post("/api/v1/merges", json={"kind": "contact", "survivor_id": ada["id"], "other_id": twin["id"]})
    assert merged.status_code == 200, merged.text
    assert (await crm_client.get(f"/api/v1/retail/orders/{theirs['id']}")).json()["contact_id"] == ada["id"]
    assert (await crm_client.get(f"/api/v1/retail/contacts/{ada['id']}/loyalty")).json()["balance"] == 50

    assert (await crm_client.post(f"/api/v1/merges/{merged.json()['merge_id']}/undo")).status_code == 200
    assert (await crm_client.get(f"/api/v1/retail/orders/{theirs['id']}")).json()["contact_id"] == twin["id"]
    assert (await crm_client.get(f"/api/v1/retail/contacts/{twin['id']}/loyalty")).json()["balance"] == 25
