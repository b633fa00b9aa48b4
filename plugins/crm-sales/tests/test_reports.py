"""The sales reports through the core's report contract: the forecast, win rate and sales
cycle length, counted over the deals the viewer may see."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform.toolkit import execute

pytestmark = pytest.mark.postgres


async def _close(crm_client, make_deal, pipeline, outcome: str, age_days: int = 0, client=None) -> dict:
    deal = await make_deal(client, amount="1000")
    if age_days:
        created = dt.datetime.now(dt.UTC) - dt.timedelta(days=age_days, hours=1)
        await execute("UPDATE sales_deal SET created_at = {} WHERE id = {}", created, deal["id"])
    response = await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={
        "stage_id": pipeline["by_name"][outcome]["id"], "lost_reason": "Price" if outcome == "Lost" else None})
    assert response.status_code == 201, response.text
    return deal


async def test_the_sales_reports_are_listed_beside_the_cores(crm_client):
    reports = {report["key"]: report for report in (await crm_client.get("/api/v1/reports")).json()}
    assert {"sales.forecast", "sales.win_rate", "sales.cycle_length"} <= set(reports)
    assert reports["sales.win_rate"]["plugin"] == "sales" and reports["sales.win_rate"]["measure"] == "rate"


async def test_win_rate_counts_deals_closed_in_the_period_by_owner(crm_client, make_deal, pipeline):
    for outcome in ("Won", "Won", "Won", "Lost"):
        await _close(crm_client, make_deal, pipeline, outcome)
    body = (await crm_client.get("/api/v1/reports/sales.win_rate")).json()
    assert body["rows"] == [{"owner": "admin", "won": 3, "lost": 1, "win_rate": 0.75}]
    assert body["summary"]["win_rate"] == 0.75
    earlier = (await crm_client.get("/api/v1/reports/sales.win_rate", params={"to": "2020-01-31"})).json()
    assert earlier["rows"] == []


async def test_the_sales_cycle_has_its_average_median_and_90th_percentile(crm_client, make_deal, pipeline):
    for age in (10, 20, 60):
        await _close(crm_client, make_deal, pipeline, "Won", age_days=age)
    body = (await crm_client.get("/api/v1/reports/sales.cycle_length")).json()
    assert body["summary"] == {"avg": 30.0, "median": 20.0, "p90": 60.0}
    assert "90th percentile" in (await crm_client.get("/api/v1/reports/sales.cycle_length",
                                                      params={"format": "csv"})).text


async def test_the_forecast_report_matches_the_forecast_and_hides_other_teams_deals(
    crm_client, make_deal, pipeline, member_client
):
    await make_deal(amount="1000", stage_id=pipeline["by_name"]["Proposal"]["id"], expected_close_date="2027-03-01")
    report = (await crm_client.get("/api/v1/reports/sales.forecast")).json()
    forecast = (await crm_client.get("/api/v1/sales/forecast")).json()
    assert report["summary"]["weighted_total"] == forecast["weighted_total"]
    assert [row["month"] for row in report["rows"]] == ["2027-03"]
    assert (await member_client.get("/api/v1/reports/sales.forecast")).json()["rows"] == []
    assert (await member_client.get("/api/v1/reports/sales.win_rate")).json()["rows"] == []


async def test_the_sales_report_pages_draw(web_client, make_deal, pipeline, crm_client):
    await _close(crm_client, make_deal, pipeline, "Won", age_days=5)
    await make_deal(amount="500", expected_close_date="2027-01-10")
    for key in ("sales.forecast", "sales.win_rate", "sales.cycle_length"):
        page = await web_client.get(f"/reports/{key}")
        assert page.status_code == 200 and "report-table" in page.text, key
    assert (await web_client.get("/sales/forecast")).status_code == 200
