"""Loyalty: points per order by the instance's rules, tiers by points earned, redemption by
API and by the contact page's form (never below zero), and the panel on the contact page."""

from __future__ import annotations

import asyncio


async def _set(client, key, value):
    response = await client.put(f"/api/v1/settings/retail/{key}", json={"value": value})
    assert response.status_code == 200, response.text


async def _loyalty(client, contact_id):
    return (await client.get(f"/api/v1/retail/contacts/{contact_id}/loyalty")).json()


async def test_orders_earn_points_by_the_configured_rules(crm_client, make_contact, make_order):
    ada = await make_contact()
    await _set(crm_client, "points_per_unit", 2)
    await _set(crm_client, "first_order_bonus", 100)
    await _set(crm_client, "min_order_total", 10)
    await make_order(ada["id"], "1", lines=[{"product": "Mug", "quantity": 1, "unit_price": "12.75"}])
    await make_order(ada["id"], "2", lines=[{"product": "Filter", "quantity": 1, "unit_price": "4.20"}])
    await make_order(ada["id"], "3", lines=[{"product": "Beans", "quantity": 1, "unit_price": "20.00"}])
    await make_order(ada["id"], "4", status="pending")
    loyalty = await _loyalty(crm_client, ada["id"])
    assert loyalty["balance"] == 25 + 100 + 40  # 12.75 x 2 rounded down, the bonus, nothing under 10
    assert sorted(entry["points"] for entry in loyalty["history"]) == [40, 125]


async def test_a_refund_takes_the_orders_points_back(crm_client, make_contact, make_order):
    ada = await make_contact()
    order = await make_order(ada["id"])
    assert (await _loyalty(crm_client, ada["id"]))["balance"] == 25
    await crm_client.patch(f"/api/v1/retail/orders/{order['id']}", json={"status": "refunded"})
    assert (await _loyalty(crm_client, ada["id"]))["balance"] == 0


async def test_tiers_follow_the_points_earned_with_their_benefits(crm_client, make_contact, make_order):
    ada = await make_contact()
    await _set(crm_client, "silver_points", 50)
    await _set(crm_client, "gold_points", 100)
    await _set(crm_client, "silver_benefits", "Free shipping")
    await make_order(ada["id"], "1", lines=[{"product": "Kettle", "quantity": 1, "unit_price": "60"}])
    loyalty = await _loyalty(crm_client, ada["id"])
    assert (loyalty["tier"], loyalty["benefits"], loyalty["next_tier"], loyalty["points_to_next"]) == (
        "silver", "Free shipping", "gold", 40)
    await crm_client.post(f"/api/v1/retail/contacts/{ada['id']}/redeem", json={"points": 60})
    assert (await _loyalty(crm_client, ada["id"]))["tier"] == "silver"  # redeeming keeps the tier


async def test_redeeming_takes_points_off_and_never_below_zero(crm_client, make_contact, make_order):
    ada = await make_contact()
    await make_order(ada["id"])
    spent = await crm_client.post(f"/api/v1/retail/contacts/{ada['id']}/redeem", json={"points": 20, "reason": "Voucher"})
    assert spent.status_code == 200 and spent.json()["balance"] == 5
    too_many = await crm_client.post(f"/api/v1/retail/contacts/{ada['id']}/redeem", json={"points": 6})
    assert too_many.status_code == 422
    assert too_many.json()["errors"]["points"] == "the balance is 5 points; 6 cannot be redeemed"
    for wrong in (0, -5, "ten", 1.5):
        answer = await crm_client.post(f"/api/v1/retail/contacts/{ada['id']}/redeem", json={"points": wrong})
        assert answer.status_code == 422 and "points" in answer.json()["errors"]
    history = (await _loyalty(crm_client, ada["id"]))["history"]
    assert [(entry["points"], entry["reason"]) for entry in history] == [(-20, "Voucher"), (25, "Order 1001")]


async def test_the_contact_page_shows_points_tier_orders_and_redeems_by_form(web_client, make_contact, make_order):
    ada = await make_contact("Ada")
    await make_order(ada["id"], "<b>1001</b>")
    page = await web_client.get(f"/contacts/{ada['id']}")
    assert 'data-testid="retail-balance">25 points' in page.text and "Bronze" in page.text
    assert "Order &lt;b&gt;1001&lt;/b&gt;" in page.text and "Lifetime value 25.00 EUR" in page.text
    token = web_client.csrf(page.text)
    refused = await web_client.post(f"/retail/contacts/{ada['id']}/redeem", data={"_csrf_token": token, "points": "30"})
    assert refused.status_code == 422 and "the balance is 25 points; 30 cannot be redeemed" in refused.text
    done = await web_client.post(f"/retail/contacts/{ada['id']}/redeem",
                                 data={"_csrf_token": token, "points": "10", "reason": "Mug voucher"})
    assert done.status_code == 303 and done.headers["location"] == f"/contacts/{ada['id']}"
    page = await web_client.get(f"/contacts/{ada['id']}")
    assert 'data-testid="retail-balance">15 points' in page.text and "-10 · Mug voucher" in page.text


async def test_two_redemptions_at_once_cannot_spend_the_same_points(crm_client, make_contact, make_order):
    ada = await make_contact()
    await make_order(ada["id"])
    answers = await asyncio.gather(*(
        crm_client.post(f"/api/v1/retail/contacts/{ada['id']}/redeem", json={"points": 20}) for _ in range(2)))
    assert sorted(answer.status_code for answer in answers) == [200, 422]
    assert (await _loyalty(crm_client, ada["id"]))["balance"] == 5
