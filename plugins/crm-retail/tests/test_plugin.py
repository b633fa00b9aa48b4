"""The plugin switched off and on again keeps its data; ``crm demo`` loads orders and scores them."""

from __future__ import annotations


async def test_disable_and_enable_round_trip_keeps_the_data(
    web_client, crm_client, crm_disable_plugin, crm_enable_plugin, make_contact, make_order
):
    ada = await make_contact("Ada")
    order = await make_order(ada["id"], "R-77")
    await crm_disable_plugin("retail")
    assert (await crm_client.get(f"/api/v1/retail/orders/{order['id']}")).status_code == 404
    assert (await web_client.get("/retail/")).status_code == 404
    page = await web_client.get(f"/contacts/{ada['id']}")
    assert page.status_code == 200 and "R-77" not in page.text and 'href="/retail/"' not in page.text

    await crm_enable_plugin("retail")
    assert (await crm_client.get(f"/api/v1/retail/orders/{order['id']}")).json()["number"] == "R-77"
    assert (await crm_client.get(f"/api/v1/retail/contacts/{ada['id']}/loyalty")).json()["balance"] == 25
    assert "R-77" in (await web_client.get(f"/contacts/{ada['id']}")).text


async def test_the_demo_loads_orders_with_points_and_segments(crm_cli, crm_client):
    result = crm_cli("demo", "--contacts", "100", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "orders for 60 customers and scored 60 in RFM segments" in result.output
    orders = (await crm_client.get("/api/v1/retail/orders", params={"limit": 5})).json()["items"]
    assert len(orders) == 5 and all(order["contact_id"] for order in orders)
    loyalty = (await crm_client.get(f"/api/v1/retail/contacts/{orders[0]['contact_id']}/loyalty")).json()
    assert loyalty["balance"] > 0
    champions = (await crm_client.get("/api/v1/retail/segments/champions")).json()["items"]
    assert champions
