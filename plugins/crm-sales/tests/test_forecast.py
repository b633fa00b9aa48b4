"""The forecast's figures on deals whose outcome is known."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform.toolkit import execute


@pytest.fixture
async def known_deals(crm_client, make_deal, pipeline):
    """Open: 1000 at 50% and 400 at 25% in 2027-03, 2000 at 10% without a date.
    Closed: won 3000 and 1000, lost 500 (Price) and 700 (Competitor)."""
    stages = pipeline["by_name"]
    await make_deal(amount="1000", stage_id=stages["Proposal"]["id"], expected_close_date="2027-03-01")
    await make_deal(amount="400", stage_id=stages["Qualified"]["id"], expected_close_date="2027-03-20")
    await make_deal(amount="2000")
    for amount, target, reason in (("3000", "Won", None), ("1000", "Won", None), ("500", "Lost", "Price"), ("700", "Lost", "Competitor")):
        deal = await make_deal(amount=amount, stage_id=stages["Negotiation"]["id"])
        await crm_client.post(
            f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": stages[target]["id"], "lost_reason": reason}
        )
    return stages


async def test_the_weighted_pipeline_is_grouped_by_close_month(crm_client, known_deals):
    body = (await crm_client.get("/api/v1/sales/forecast", params={"currency": "EUR"})).json()
    assert body["by_month"] == [
        {"month": "2027-03", "weighted": "600.00", "total": "1400.00", "count": 2},
        {"month": "none", "weighted": "200.00", "total": "2000.00", "count": 1},
    ]
    assert body["weighted_total"] == "800.00"
    assert body["by_owner"][0]["owner_name"] == "admin@example.com" or body["by_owner"][0]["weighted"] == "800.00"


async def test_win_rate_average_deal_and_lost_reasons(crm_client, known_deals):
    body = (await crm_client.get("/api/v1/sales/forecast")).json()
    assert (body["won_count"], body["lost_count"], body["win_rate"]) == (2, 2, 0.5)
    assert body["average_won_amount"] == "2000.00"
    assert body["lost_by_reason"] == [
        {"reason": "Competitor", "count": 1, "amount": "700.00"},
        {"reason": "Price", "count": 1, "amount": "500.00"},
    ]


async def test_stage_to_stage_conversion_counts_the_furthest_stage_reached(crm_client, known_deals):
    conversion = (await crm_client.get("/api/v1/sales/forecast")).json()["conversion"]
    reached = {row["stage_name"]: row["reached"] for row in conversion}
    assert reached == {"Lead": 7, "Qualified": 6, "Proposal": 5, "Negotiation": 4, "Won": 2}
    assert conversion[3]["to_next"] == 0.5


async def test_the_sales_cycle_is_the_average_age_of_won_deals(crm_client, make_deal, pipeline):
    for age in (30, 10):
        deal = await make_deal()
        created = dt.datetime.now(dt.UTC) - dt.timedelta(days=age, hours=1)
        await execute("UPDATE sales_deal SET created_at = {} WHERE id = {}", created, deal["id"])
        await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": pipeline["by_name"]["Won"]["id"]})
    assert (await crm_client.get("/api/v1/sales/forecast")).json()["average_cycle_days"] == 20.0


async def test_deals_in_other_currencies_are_left_out(crm_client, known_deals, make_deal):
    await make_deal(amount="99999", currency="USD", expected_close_date="2027-03-05")
    body = (await crm_client.get("/api/v1/sales/forecast", params={"currency": "EUR"})).json()
    assert body["weighted_total"] == "800.00"


async def test_the_forecast_exports_as_csv(crm_client, known_deals):
    response = await crm_client.get("/api/v1/sales/forecast.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert "month,2027-03,600.00,1400.00,2,EUR" in response.text.splitlines()


async def test_the_forecast_cells_always_match_a_recount_from_the_deals(crm_client, known_deals, make_deal):
    from crm_sales import cells

    from crm_platform.toolkit import fetch, unit_of_work

    deal = await make_deal(amount="50", expected_close_date="2027-05-01")
    await crm_client.patch(f"/api/v1/sales/deals/{deal['id']}", json={"amount": "75", "probability": 90})
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": known_deals["Lost"]["id"], "lost_reason": "Timing"})
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": known_deals["Qualified"]["id"]})
    await crm_client.delete(f"/api/v1/sales/deals/{(await make_deal(amount='5'))['id']}")
    query = "SELECT * FROM sales_forecast_cell WHERE deals <> 0 ORDER BY pipeline, currency, status, owner, close_month, lost_reason, furthest_position"
    kept = [{k: v for k, v in row.items() if k != "id"} for row in await fetch(query)]
    async with unit_of_work():
        await cells.rebuild()
    recounted = [{k: v for k, v in row.items() if k != "id"} for row in await fetch(query)]
    assert kept == recounted
