"""Orders through the API: their whole life (create, read, edit, delete to the trash and
restore), lists with keyset pages and filters, the CSV export, and bad input named."""

from __future__ import annotations

import csv
import io


async def test_an_order_totals_its_line_items_and_reads_back(crm_client, make_contact, make_order):
    ada = await make_contact("Ada")
    order = await make_order(ada["id"], "1001", lines=[
        {"product": "Mug", "quantity": 2, "unit_price": "12.50"}, {"product": "Beans", "quantity": 1, "unit_price": 18.9}])
    assert order["total"] == "43.90" and order["contact_id"] == ada["id"] and order["status"] == "paid"
    read = (await crm_client.get(f"/api/v1/retail/orders/{order['id']}")).json()
    assert read["lines"] == [{"product": "Mug", "quantity": 2, "unit_price": "12.50"},
                             {"product": "Beans", "quantity": 1, "unit_price": "18.90"}]


async def test_editing_the_lines_changes_the_total_and_is_audited(crm_client, make_contact, make_order):
    order = await make_order((await make_contact())["id"])
    changed = await crm_client.patch(f"/api/v1/retail/orders/{order['id']}", json={
        "lines": [{"product": "Mug", "quantity": 4, "unit_price": "12.50"}], "status": "fulfilled"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["total"] == "50.00" and changed.json()["status"] == "fulfilled"
    history = (await crm_client.get(f"/api/v1/retail/orders/{order['id']}/history")).json()
    assert history[0]["action"] == "update" and "total" in history[0]["changes"]


async def test_a_deleted_order_waits_in_the_trash_and_comes_back_with_its_points(crm_client, make_contact, make_order):
    ada = await make_contact()
    order = await make_order(ada["id"])
    assert (await crm_client.get(f"/api/v1/retail/contacts/{ada['id']}/loyalty")).json()["balance"] == 25
    deleted = await crm_client.delete(f"/api/v1/retail/orders/{order['id']}")
    assert deleted.status_code == 200
    assert (await crm_client.get(f"/api/v1/retail/orders/{order['id']}")).status_code == 404
    assert (await crm_client.get(f"/api/v1/retail/contacts/{ada['id']}/loyalty")).json()["balance"] == 0
    restored = await crm_client.post(f"/api/v1/trash/{deleted.json()['trash_id']}/restore")
    assert restored.status_code in (200, 201), restored.text
    assert (await crm_client.get(f"/api/v1/retail/orders/{order['id']}")).json()["total"] == "25.00"
    assert (await crm_client.get(f"/api/v1/retail/contacts/{ada['id']}/loyalty")).json()["balance"] == 25


async def test_the_list_pages_by_keyset_and_filters(crm_client, make_contact, make_order):
    ada, bob = await make_contact("Ada"), await make_contact("Bob")
    for n in range(5):
        await make_order(ada["id"], f"A{n}", ordered_at=f"2025-01-0{n + 1}T10:00:00Z")
    await make_order(bob["id"], "B1", status="refunded", ordered_at="2025-02-01T10:00:00Z")
    first = (await crm_client.get("/api/v1/retail/orders", params={"limit": 2})).json()
    assert [o["number"] for o in first["items"]] == ["B1", "A4"]
    second = (await crm_client.get("/api/v1/retail/orders", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [o["number"] for o in second["items"]] == ["A3", "A2"]
    mine = (await crm_client.get("/api/v1/retail/orders", params={"contact_id": bob["id"]})).json()["items"]
    assert [o["number"] for o in mine] == ["B1"]
    refunded = (await crm_client.get("/api/v1/retail/orders", params={"status": "refunded"})).json()["items"]
    assert [o["number"] for o in refunded] == ["B1"]
    january = (await crm_client.get("/api/v1/retail/orders", params={
        "since": "2025-01-02T00:00:00Z", "until": "2025-01-04T00:00:00Z", "sort": "number"})).json()["items"]
    assert [o["number"] for o in january] == ["A1", "A2"]
    wrong = await crm_client.get("/api/v1/retail/orders", params={"status": "lost"})
    assert wrong.status_code == 422 and "status" in wrong.json()["errors"]


async def test_the_csv_export_lists_the_filtered_orders_with_their_customers(crm_client, make_contact, make_order):
    ada = await make_contact("Ada")
    await make_order(ada["id"], "=1+1")
    await make_order(ada["id"], "2002", status="cancelled")
    response = await crm_client.get("/api/v1/retail/orders/export.csv", params={"status": "paid"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(row["number"], row["contact"], row["total"]) for row in rows] == [("'=1+1", "Ada", "25.00")]


BAD_INPUT = [
    ({"lines": [{"product": "Mug", "quantity": -1, "unit_price": "1"}]}, "lines[0].quantity"),
    ({"lines": [{"product": "Mug", "quantity": 1, "unit_price": "-3"}]}, "lines[0].unit_price"),
    ({"lines": [{"product": "", "quantity": 1, "unit_price": "3"}]}, "lines[0].product"),
    ({"lines": [{"product": "Mug", "quantity": 1, "unit_price": "3.001"}]}, "lines[0].unit_price"),
    ({"lines": []}, "lines"),
    ({"currency": "XYZ"}, "currency"),
    ({"contact_id": None}, "contact_id"),
    ({"contact_id": 999999}, "contact_id"),
    ({"contact_id": None, "customer_email": "nobody@example.com"}, "customer_email"),
    ({"status": "shipped"}, "status"),
    ({"number": " "}, "number"),
]


async def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(crm_client, make_contact):
    ada = await make_contact()
    for change, field in BAD_INPUT:
        body = {"number": "1001", "contact_id": ada["id"], "currency": "EUR",
                "lines": [{"product": "Mug", "quantity": 1, "unit_price": "3"}]} | change
        response = await crm_client.post("/api/v1/retail/orders", json=body)
        assert response.status_code == 422, (change, response.text)
        assert field in response.json()["errors"], (change, response.json())
    assert (await crm_client.get("/api/v1/retail/orders")).json()["items"] == []


async def test_an_order_number_is_taken_once(crm_client, make_contact, make_order):
    ada = await make_contact()
    await make_order(ada["id"], "1001")
    again = await crm_client.post("/api/v1/retail/orders", json={
        "number": "1001", "contact_id": ada["id"], "currency": "EUR",
        "lines": [{"product": "Mug", "quantity": 1, "unit_price": "3"}]})
    assert again.status_code == 422 and again.json()["errors"]["number"] == "order 1001 already exists"


async def test_the_customer_may_be_named_by_email(crm_client, make_contact):
    ada = await make_contact("Ada", email="ada@example.com")
    response = await crm_client.post("/api/v1/retail/orders", json={
        "number": "W1", "customer_email": "ADA@example.com", "currency": "usd",
        "lines": [{"product": "Tee", "quantity": 1, "unit_price": "20"}]})
    assert response.status_code == 201, response.text
    assert response.json()["contact_id"] == ada["id"] and response.json()["currency"] == "USD"


async def test_orders_take_the_typed_custom_fields_of_their_kind(crm_client, make_contact, make_order):
    ada = await make_contact()
    order = await make_order(ada["id"], custom={"retail_channel": "store"})
    assert order["custom"] == {"retail_channel": "store"}
    wrong = await crm_client.patch(f"/api/v1/retail/orders/{order['id']}", json={"custom": {"retail_channel": "fax"}})
    assert wrong.status_code == 422 and "custom.retail_channel" in wrong.json()["errors"]


async def test_global_search_finds_an_order_by_its_number_and_links_to_its_page(crm_client, make_contact, make_order):
    order = await make_order((await make_contact())["id"], "SHOP-4711")
    items = (await crm_client.get("/api/v1/search", params={"q": "SHOP-4711"})).json()["items"]
    assert [(item["title"], item["href"]) for item in items if item["kind"] == "retail.order"] == [
        ("SHOP-4711", f"/retail/orders/{order['id']}")]
