"""Orders entered and corrected in the browser: the new-order form (from the order list or a
contact's panel), the edit form, and what a wrong value or a hidden customer shows."""

from __future__ import annotations

from crm_platform.testing import client_for, signed_in


def _form(client, page, **fields):
    return {"_csrf_token": client.csrf(page.text), **fields}


async def test_an_order_added_from_the_contact_panel_shows_with_its_total_and_points(
    web_client, crm_client, make_contact
):
    ada = await make_contact("Ada")
    contact_page = await web_client.get(f"/contacts/{ada['id']}")
    assert f'href="/retail/orders/new?contact_id={ada["id"]}"' in contact_page.text

    form = await web_client.get(f"/retail/orders/new?contact_id={ada['id']}")
    assert f'value="contact:{ada["id"]}" checked' in form.text
    saved = await web_client.post("/retail/orders", data=_form(
        web_client, form, number="W-100", contact_pick=f"contact:{ada['id']}", status="paid", currency="eur",
        ordered_at="2026-11-30T15:45", **{"lines-0-product": "Mug", "lines-0-quantity": "2",
                                         "lines-0-unit_price": "7.50", "lines-2-product": "Tea",
                                         "lines-2-quantity": "1", "lines-2-unit_price": "5"}))
    assert saved.status_code == 303
    order_page = await web_client.get(saved.headers["location"])
    assert "Order W-100" in order_page.text and 'data-testid="order-total">20.00 EUR' in order_page.text

    orders = (await crm_client.get("/api/v1/retail/orders", params={"contact_id": ada["id"]})).json()["items"]
    assert [(order["number"], order["total"], order["currency"]) for order in orders] == [("W-100", "20.00", "EUR")]
    assert orders[0]["ordered_at"].startswith("2026-11-30T15:45")  # the browser's zone is UTC here
    assert (await crm_client.get(f"/api/v1/retail/contacts/{ada['id']}/loyalty")).json()["balance"] == 20
    assert "W-100" in (await web_client.get(f"/contacts/{ada['id']}")).text


async def test_wrong_values_show_the_form_again_naming_each_and_store_nothing(web_client, crm_client, make_contact):
    ada = await make_contact("Ada")
    form = await web_client.get("/retail/orders/new")
    refused = await web_client.post("/retail/orders", data=_form(
        web_client, form, number="W-7", contact_pick=f"contact:{ada['id']}", currency="ZZZ",
        **{"lines-0-product": "Mug", "lines-0-quantity": "0", "lines-0-unit_price": "7.50"}))
    assert refused.status_code == 422
    assert "is not a currency" in refused.text
    assert "must be a whole number of at least 1" in refused.text
    assert 'name="lines-0-product" value="Mug"' in refused.text and 'name="number" type="text" value="W-7"' in refused.text

    no_lines = await web_client.post("/retail/orders", data=_form(
        web_client, form, number="W-8", contact_pick=f"contact:{ada['id']}", currency="EUR"))
    assert no_lines.status_code == 422 and "an order needs at least one line item" in no_lines.text
    no_customer = await web_client.post("/retail/orders", data=_form(
        web_client, form, number="W-9", currency="EUR",
        **{"lines-0-product": "Mug", "lines-0-quantity": "1", "lines-0-unit_price": "1"}))
    assert no_customer.status_code == 422 and "the contact who placed the order" in no_customer.text
    assert (await crm_client.get("/api/v1/retail/orders")).json()["items"] == []


async def test_editing_an_order_replaces_its_lines_and_a_refund_takes_the_points_back(
    web_client, crm_client, make_contact, make_order
):
    ada = await make_contact("Ada")
    order = await make_order(ada["id"], "R-5")
    edit = await web_client.get(f"/retail/orders/{order['id']}/edit")
    assert 'name="lines-0-product" value="Mug"' in edit.text and 'name="lines-1-product" value=""' in edit.text
    saved = await web_client.post(f"/retail/orders/{order['id']}", data=_form(
        web_client, edit, number="R-5", contact_pick=f"contact:{ada['id']}", status="refunded", currency="EUR",
        **{"lines-0-product": "Teapot", "lines-0-quantity": "1", "lines-0-unit_price": "40"}))
    assert saved.status_code == 303
    changed = (await crm_client.get(f"/api/v1/retail/orders/{order['id']}")).json()
    assert (changed["status"], changed["total"], [line["product"] for line in changed["lines"]]) == (
        "refunded", "40.00", ["Teapot"])
    assert (await crm_client.get(f"/api/v1/retail/contacts/{ada['id']}/loyalty")).json()["balance"] == 0
    history = (await crm_client.get(f"/api/v1/retail/orders/{order['id']}/history")).json()
    assert history[0]["action"] == "update" and history[0]["changes"]["status"] == {"from": "paid", "to": "refunded"}


async def test_another_team_can_neither_open_the_edit_form_nor_book_an_order_to_a_hidden_customer(
    crm_running_app, crm_make_user, make_contact, make_order
):
    _, ann_token = await crm_make_user("ann@example.com", team="East")
    await crm_make_user("cid@example.com", team="West")
    async with client_for(crm_running_app, ann_token) as ann_api:
        secret = await make_contact("Eastcustomer", client=ann_api)
        order = await make_order(secret["id"], "E-1", client=ann_api)
    async with signed_in(crm_running_app, "cid@example.com") as cid:
        assert (await cid.get(f"/retail/orders/{order['id']}/edit")).status_code == 403
        form = await cid.get(f"/retail/orders/new?contact_id={secret['id']}")
        assert form.status_code == 200 and "Eastcustomer" not in form.text
        refused = await cid.post("/retail/orders", data=_form(
            cid, form, number="W-1", contact_pick=f"contact:{secret['id']}", currency="EUR",
            **{"lines-0-product": "Mug", "lines-0-quantity": "1", "lines-0-unit_price": "3"}))
        assert refused.status_code == 422 and "does not exist or you may not see it" in refused.text
        assert "Eastcustomer" not in refused.text
        changed = await cid.post(f"/retail/orders/{order['id']}", data=_form(cid, form, number="E-1", currency="EUR"))
        assert changed.status_code == 403


async def test_unit_prices_are_read_in_the_users_number_format(web_client, crm_client, make_contact):
    saved = await crm_client.put("/api/v1/account/preferences", json={"number_format": "1.234,56"})
    assert saved.status_code == 200, saved.text
    ada = await make_contact("Ada")
    form = await web_client.get("/retail/orders/new")
    created = await web_client.post("/retail/orders", data=_form(
        web_client, form, number="W-300", contact_pick=f"contact:{ada['id']}", status="paid", currency="EUR",
        **{"lines-0-product": "Kettle", "lines-0-quantity": "2", "lines-0-unit_price": "1.234,50"}))
    assert created.status_code == 303, created.text
    orders = (await crm_client.get("/api/v1/retail/orders")).json()["items"]
    assert [(order["number"], order["total"]) for order in orders] == [("W-300", "2469.00")]

    form = await web_client.get("/retail/orders/new")
    refused = await web_client.post("/retail/orders", data=_form(
        web_client, form, number="W-301", contact_pick=f"contact:{ada['id']}", currency="EUR",
        **{"lines-0-product": "Kettle", "lines-0-quantity": "1", "lines-0-unit_price": "twelve"}))
    assert refused.status_code == 422 and 'name="lines-0-unit_price" value="twelve"' in refused.text
