"""Who sees what: members see the orders, points and segment entries of their own and their
team's contacts only; exports and scoring are for managers and admins."""

from __future__ import annotations

import pytest
from crm_platform.testing import assert_hidden_from, assert_names_hidden, client_for


@pytest.fixture
async def teams(crm_running_app, crm_make_user):
    """Ann and Abe in the East team, Cid in the West team, as API clients."""
    clients = {}
    for name, team in (("ann", "East"), ("abe", "East"), ("cid", "West")):
        _, token = await crm_make_user(f"{name}@example.com", team=team)
        clients[name] = client_for(crm_running_app, token)
    async with clients["ann"] as ann, clients["abe"] as abe, clients["cid"] as cid:
        yield {"ann": ann, "abe": abe, "cid": cid}


async def test_another_team_sees_nothing_of_an_order_or_its_customer(crm_client, teams, make_contact, make_order):
    ann, abe, cid = teams["ann"], teams["abe"], teams["cid"]
    secret = await make_contact("Eastcustomer", client=ann)
    order = await make_order(secret["id"], "E-1", client=ann)
    await crm_client.post("/api/v1/retail/rfm/run")

    assert (await abe.get(f"/api/v1/retail/orders/{order['id']}")).status_code == 200
    await assert_hidden_from(cid, f"/api/v1/retail/orders/{order['id']}", "E-1", "Eastcustomer")
    await assert_hidden_from(cid, f"/api/v1/retail/contacts/{secret['id']}/loyalty", "Eastcustomer")
    await assert_hidden_from(cid, f"/api/v1/retail/contacts/{secret['id']}/value", "Eastcustomer")
    await assert_names_hidden(cid, "/api/v1/retail/orders", "E-1")
    await assert_names_hidden(cid, "/api/v1/retail/segments/all", "Eastcustomer")
    assert "Eastcustomer" in (await abe.get("/api/v1/retail/segments/all")).text
    assert (await cid.patch(f"/api/v1/retail/orders/{order['id']}", json={"status": "refunded"})).status_code in (403, 404)
    assert (await cid.delete(f"/api/v1/retail/orders/{order['id']}")).status_code in (403, 404)
    redeem = await cid.post(f"/api/v1/retail/contacts/{secret['id']}/redeem", json={"points": 1})
    assert redeem.status_code in (403, 404)
    assert (await ann.get(f"/api/v1/retail/contacts/{secret['id']}/loyalty")).json()["balance"] == 25


async def test_an_order_for_a_contact_one_may_not_see_is_refused(teams, make_contact):
    secret = await make_contact("Eastcustomer", email="east@example.com", client=teams["ann"])
    for body in ({"contact_id": secret["id"]}, {"customer_email": "east@example.com"}):
        response = await teams["cid"].post("/api/v1/retail/orders", json={
            "number": "W-1", "currency": "EUR", "lines": [{"product": "Mug", "quantity": 1, "unit_price": "3"}], **body})
        assert response.status_code == 422, response.text
        assert "Eastcustomer" not in response.text


async def test_members_may_not_export_or_run_the_scoring(teams):
    assert (await teams["ann"].get("/api/v1/retail/orders/export.csv")).status_code == 403
    assert (await teams["ann"].post("/api/v1/retail/rfm/run")).status_code == 403
    counts = (await teams["ann"].get("/api/v1/retail/segments")).json()
    assert all(segment["contacts"] is None for segment in counts)


async def test_nobody_signed_in_gets_anything(crm_anonymous_client):
    for path in ("/api/v1/retail/orders", "/api/v1/retail/segments/all", "/retail/", "/retail/segments"):
        assert (await crm_anonymous_client.get(path)).status_code in (401, 302, 303), path
