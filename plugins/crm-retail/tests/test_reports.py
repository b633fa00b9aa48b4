"""The retail reports through the core's report contract: RFM segment sizes, customer lifetime
value and average order value, each counted over the orders the viewer may see."""

from __future__ import annotations

import pytest
from crm_platform.testing import client_for

from crm_retail import rfm

pytestmark = pytest.mark.postgres

JUNE = {"from": "2026-06-01", "to": "2026-06-30"}


def _lines(price: str) -> list[dict]:
    return [{"product": "Beans", "quantity": 1, "unit_price": price}]


@pytest.fixture
async def two_teams(crm_running_app, crm_make_user, make_contact, make_order):
    """Ann (East) with two customers spending 10 + 30 and 20 EUR in June; Cid (West) with one
    spending 100 USD in May."""
    _, ann_token = await crm_make_user("ann@example.com", team="East")
    _, cid_token = await crm_make_user("cid@example.com", team="West")
    async with client_for(crm_running_app, ann_token) as ann, client_for(crm_running_app, cid_token) as cid:
        first = await make_contact("Eve", client=ann)
        second = await make_contact("Finn", client=ann)
        west = await make_contact("Gus", client=cid)
        await make_order(first["id"], "A-1", _lines("10"), client=ann, ordered_at="2026-06-02T10:00:00+00:00")
        await make_order(first["id"], "A-2", _lines("30"), client=ann, ordered_at="2026-06-20T10:00:00+00:00")
        await make_order(second["id"], "A-3", _lines("20"), client=ann, ordered_at="2026-06-05T10:00:00+00:00")
        await make_order(west["id"], "W-1", _lines("100"), client=cid, currency="USD",
                         ordered_at="2026-05-05T10:00:00+00:00")
        await rfm.compute()
        yield {"ann": ann, "cid": cid}


async def test_each_team_counts_only_its_customers_and_orders(crm_client, two_teams):
    ann, cid = two_teams["ann"], two_teams["cid"]
    segments = (await ann.get("/api/v1/reports/retail.rfm_segments")).json()
    assert segments["summary"]["customers"] == 2 and len(segments["rows"]) == len(rfm.SEGMENTS)
    assert (await cid.get("/api/v1/reports/retail.rfm_segments")).json()["summary"]["customers"] == 1
    assert (await crm_client.get("/api/v1/reports/retail.rfm_segments")).json()["summary"]["customers"] == 3
    value = (await ann.get("/api/v1/reports/retail.lifetime_value", params=JUNE)).json()
    assert value["rows"] == [{"currency": "EUR", "customers": 2, "orders": 3, "avg": 30.0, "median": 30.0,
                              "p90": 40.0}]
    assert [row["currency"] for row in (await cid.get("/api/v1/reports/retail.lifetime_value", params=JUNE)).json()[
        "rows"]] == ["USD"]
    orders = (await ann.get("/api/v1/reports/retail.order_value", params=JUNE)).json()
    assert orders["rows"] == [{"month": "2026-06", "currency": "EUR", "orders": 3, "revenue": 60.0, "average": 20.0}]
    assert (await cid.get("/api/v1/reports/retail.order_value", params=JUNE)).json()["rows"] == []
    exported = await ann.get("/api/v1/reports/retail.order_value", params={**JUNE, "format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv") and "2026-06,EUR,3,60.0,20.0" in exported.text


async def test_the_retail_reports_are_listed_and_drawn(web_client, two_teams):
    listed = (await web_client.get("/reports")).text
    for key in ("retail.rfm_segments", "retail.lifetime_value", "retail.order_value"):
        assert f"/reports/{key}" in listed, key
        page = await web_client.get(f"/reports/{key}", params=JUNE)
        assert page.status_code == 200 and f"/api/v1/reports/{key}?" in page.text, key
