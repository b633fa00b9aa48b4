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


async def _move(crm_client, deal, pipeline, stage: str, reason: str | None = None, client=None) -> None:
    response = await (client or crm_client).post(f"/api/v1/sales/deals/{deal['id']}/move", json={
        "stage_id": pipeline["by_name"][stage]["id"], "lost_reason": reason})
    assert response.status_code == 201, response.text


async def test_stage_conversion_counts_the_furthest_stage_each_deal_reached_a_won_one_passed_all(crm_client, make_deal, pipeline):
    for path in (["Qualified", "Proposal", "Won"], ["Qualified", "Lost"], ["Qualified"], []):
        deal = await make_deal(amount="100")
        for stage in path:
            await _move(crm_client, deal, pipeline, stage, "Price" if stage == "Lost" else None)
    body = (await crm_client.get("/api/v1/reports/sales.stage_conversion")).json()
    reached = {row["stage"]: row["reached"] for row in body["rows"]}
    assert reached == {"Lead": 4, "Qualified": 3, "Proposal": 1, "Negotiation": 1, "Won": 1}
    assert body["rows"][1]["from_previous"] == 0.75 and body["rows"][-1]["from_first"] == 0.25
    assert (await crm_client.get("/api/v1/reports/sales.stage_conversion", params={"pipeline": "x"})).status_code == 422


async def test_lost_reasons_and_lifetime_value_count_only_each_teams_deals(
    crm_client, make_deal, pipeline, crm_running_app, crm_make_user
):
    from crm_platform.testing import client_for

    _, east_token = await crm_make_user("east@example.com", role="member", team="East")
    _, west_token = await crm_make_user("west@example.com", role="member", team="West")
    async with client_for(crm_running_app, east_token) as east, client_for(crm_running_app, west_token) as west:
        company = (await east.post("/api/v1/companies", json={"name": "Acme"})).json()
        for amount in ("1000", "3000"):
            await _move(crm_client, await make_deal(east, amount=amount, company_id=company["id"]), pipeline, "Won",
                        client=east)
        for reason in ("Price", "Price", "Timing"):
            await _move(crm_client, await make_deal(east), pipeline, "Lost", reason, client=east)
        await _move(crm_client, await make_deal(west), pipeline, "Lost", "Competitor", client=west)
        seen = (await east.get("/api/v1/reports/sales.lost_reasons")).json()
        assert seen["rows"] == [{"reason": "Price", "deals": 2, "share": 0.6667},
                                {"reason": "Timing", "deals": 1, "share": 0.3333}]
        assert [row["reason"] for row in (await west.get("/api/v1/reports/sales.lost_reasons")).json()["rows"]] == [
            "Competitor"]
        value = (await east.get("/api/v1/reports/sales.lifetime_value")).json()
        assert value["rows"] == [{"currency": "EUR", "customers": 1, "total": 4000.0, "avg": 4000.0,
                                  "median": 4000.0, "p90": 4000.0}]
        assert (await west.get("/api/v1/reports/sales.lifetime_value")).json()["rows"] == []
        exported = await east.get("/api/v1/reports/sales.lost_reasons", params={"format": "csv"})
        assert "Price,2,66.7%" in exported.text
    everything = (await crm_client.get("/api/v1/reports/sales.lost_reasons")).json()
    assert everything["summary"]["lost"] == 4


async def test_the_new_sales_reports_are_listed_and_drawn(web_client, make_deal):
    await make_deal(amount="100")
    listed = (await web_client.get("/reports")).text
    for key in ("sales.stage_conversion", "sales.lost_reasons", "sales.lifetime_value"):
        assert f"/reports/{key}" in listed, key
        page = await web_client.get(f"/reports/{key}")
        assert page.status_code == 200 and f"/api/v1/reports/{key}?" in page.text, key
