"""RFM segments: quintiles of recency, frequency and money computed by the nightly job, the
segment lists as API and pages, and lifetime and average order value."""

from __future__ import annotations

import datetime as dt

import pytest

NIGHT = dt.datetime(2030, 5, 1, 2, 15, tzinfo=dt.UTC)


@pytest.fixture
async def five_customers(make_contact, make_order):
    """Customer n (1 to 5) placed n orders of 10 x n EUR, the last (6 - n) x 30 days ago:
    each is as recent, as frequent and as big a spender as their rank."""
    customers = {}
    for n in range(1, 6):
        contact = await make_contact(f"Customer {n}")
        customers[n] = contact
        for k in range(n):
            when = NIGHT - dt.timedelta(days=(6 - n) * 30 + k)
            await make_order(contact["id"], f"{n}-{k}", ordered_at=when.isoformat(),
                             lines=[{"product": "Beans", "quantity": 1, "unit_price": str(10 * n)}])
    return customers


async def _members(client, segment, **params):
    body = (await client.get(f"/api/v1/retail/segments/{segment}", params=params)).json()
    return [member["display_name"] for member in body["items"]]


async def test_the_nightly_job_scores_each_customer_in_quintiles_and_segments(
    crm_client, crm_clock, crm_run_jobs, five_customers
):
    crm_clock.set(NIGHT - dt.timedelta(minutes=1))
    assert "retail.rfm_nightly" not in [o.job_name for o in await crm_run_jobs()]
    assert await _members(crm_client, "all") == []
    crm_clock.set(NIGHT)
    [outcome] = [o for o in await crm_run_jobs() if o.job_name == "retail.rfm_nightly"]
    assert outcome.ok, outcome.error
    scores = (await crm_client.get("/api/v1/retail/segments/all")).json()["items"]
    assert [(s["display_name"], s["r"], s["f"], s["m"], s["segment"]) for s in scores] == [
        ("Customer 1", 1, 1, 1, "lost"), ("Customer 2", 2, 2, 2, "hibernating"), ("Customer 3", 3, 3, 3, "loyal"),
        ("Customer 4", 4, 4, 4, "champions"), ("Customer 5", 5, 5, 5, "champions")]
    assert await _members(crm_client, "champions") == ["Customer 4", "Customer 5"]
    assert await _members(crm_client, "champions", r=5) == ["Customer 5"]
    counts = {s["key"]: s["contacts"] for s in (await crm_client.get("/api/v1/retail/segments")).json()}
    assert counts["champions"] == 2 and counts["at_risk"] == 0 and counts["lost"] == 1


async def test_customers_who_bought_often_but_not_lately_are_at_risk(crm_client, make_contact, make_order):
    old_regular = await make_contact("Old regular")
    for k in range(6):
        await make_order(old_regular["id"], f"o{k}", ordered_at=f"2024-01-0{k + 1}T10:00:00Z",
                         lines=[{"product": "Mug", "quantity": 1, "unit_price": "5"}])
    for n in range(4):
        newcomer = await make_contact(f"Newcomer {n}")
        await make_order(newcomer["id"], f"n{n}", ordered_at=f"2025-06-0{n + 1}T10:00:00Z",
                         lines=[{"product": "Mug", "quantity": 1, "unit_price": "50"}])
    assert (await crm_client.post("/api/v1/retail/rfm/run")).json() == {"scored": 5}
    assert await _members(crm_client, "at_risk") == ["Old regular"]


async def test_scoring_again_replaces_the_scores_and_cancelled_orders_do_not_count(
    crm_client, make_contact, make_order
):
    ada = await make_contact("Ada")
    order = await make_order(ada["id"])
    await crm_client.post("/api/v1/retail/rfm/run")
    await crm_client.patch(f"/api/v1/retail/orders/{order['id']}", json={"status": "cancelled"})
    assert (await crm_client.post("/api/v1/retail/rfm/run")).json() == {"scored": 0}
    assert await _members(crm_client, "all") == []


async def test_an_unknown_segment_or_score_is_a_422(crm_client):
    assert (await crm_client.get("/api/v1/retail/segments/vips")).status_code == 422
    wrong = await crm_client.get("/api/v1/retail/segments/all", params={"r": 7})
    assert wrong.status_code == 422 and "r" in wrong.json()["errors"]


async def test_lifetime_and_average_order_value_per_currency(crm_client, make_contact, make_order):
    ada = await make_contact("Ada")
    await make_order(ada["id"], "1", lines=[{"product": "Mug", "quantity": 1, "unit_price": "10"}])
    await make_order(ada["id"], "2", lines=[{"product": "Mug", "quantity": 1, "unit_price": "25.55"}])
    await make_order(ada["id"], "3", currency="USD", lines=[{"product": "Tee", "quantity": 1, "unit_price": "20"}])
    await make_order(ada["id"], "4", status="refunded")
    body = (await crm_client.get(f"/api/v1/retail/contacts/{ada['id']}/value")).json()
    assert [(v["currency"], v["orders"], v["lifetime_value"], v["average_order_value"]) for v in body["values"]] == [
        ("EUR", 2, "35.55", "17.78"), ("USD", 1, "20.00", "20.00")]
    assert body["rfm"] is None


async def test_the_segment_pages_list_the_customers_and_run_the_scoring(web_client, five_customers):
    page = await web_client.get("/retail/segments")
    ran = await web_client.post("/retail/rfm/run", data={"_csrf_token": web_client.csrf(page.text)})
    assert ran.status_code == 303
    champions = await web_client.get("/retail/segments/champions")
    assert "Customer 4" in champions.text and "Customer 5" in champions.text and "Customer 3" not in champions.text
    contact = await web_client.get(f"/contacts/{five_customers[5]['id']}")
    assert 'data-testid="retail-segment">Segment: <a href="/retail/segments/champions">Champions</a>' in contact.text


async def test_the_command_scores_the_customers(crm_cli, crm_client, five_customers):
    result = crm_cli("retail", "rfm")
    assert result.exit_code == 0, result.output
    assert "Scored 5 customers in RFM segments." in result.output
    assert await _members(crm_client, "champions") == ["Customer 4", "Customer 5"]
