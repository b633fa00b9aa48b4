"""Commission on won deals linked to properties, through the core's report contract: at the
commission rate of the settings, over the deals the viewer may see; without sales, none."""

from __future__ import annotations

import pytest
from crm_platform.testing import client_for

pytestmark = pytest.mark.postgres

PROPERTIES = "/api/v1/realestate/properties"
REPORT = "/api/v1/reports/realestate.commission"


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["realestate", "sales"]


async def _won_on_property(client, address: str, amount: int, add_property, link: bool = True) -> None:
    listing = await add_property(address, client=client)
    deal = (await client.post("/api/v1/sales/deals", json={"title": f"Sale of {address}", "amount": amount})).json()
    if link:
        linked = await client.post(f"{PROPERTIES}/{listing['id']}/deals", json={"deal_id": deal["id"]})
        assert linked.status_code == 200, linked.text
    pipeline = (await client.get("/api/v1/sales/pipelines")).json()[0]
    won = next(stage["id"] for stage in pipeline["stages"] if stage["kind"] == "won")
    moved = await client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": won})
    assert moved.status_code == 201, moved.text


async def test_commission_on_won_deals_linked_to_properties_for_each_team(
    crm_client, crm_running_app, crm_make_user, add_property
):
    _, east = await crm_make_user("east@example.com", team="East")
    _, west = await crm_make_user("west@example.com", team="West")
    async with client_for(crm_running_app, east) as ann, client_for(crm_running_app, west) as cid:
        await _won_on_property(ann, "1 Mill Lane", 300000, add_property)
        await _won_on_property(ann, "2 Mill Lane", 100000, add_property)
        await _won_on_property(ann, "3 Mill Lane", 999999, add_property, link=False)
        await _won_on_property(cid, "9 West Road", 200000, add_property)
        mine = (await ann.get(REPORT)).json()
        assert mine["rows"] == [{"owner": "east", "currency": "EUR", "deals": 2, "amount": 400000.0,
                                 "commission": 12000.0}]
        assert [row["owner"] for row in (await cid.get(REPORT)).json()["rows"]] == ["west"]
    assert (await crm_client.put("/api/v1/settings/realestate/commission_rate", json={"value": 2.5})).status_code == 200
    everyone = (await crm_client.get(REPORT)).json()
    assert everyone["summary"] == {"rate": 0.025, "commission": {"EUR": 15000.0}}
    exported = await crm_client.get(REPORT, params={"format": "csv"})
    assert "east,EUR,2,400000.0,10000.0" in exported.text
    assert (await crm_client.put("/api/v1/settings/realestate/commission_rate", json={"value": 150})).status_code == 200
    refused = (await crm_client.get(REPORT)).json()
    assert refused["rows"] == [] and "from 0 to 100" in refused["note"]


async def test_the_commission_report_is_listed_and_drawn(web_client):
    assert "/reports/realestate.commission" in (await web_client.get("/reports")).text
    page = await web_client.get("/reports/realestate.commission")
    assert page.status_code == 200 and "/api/v1/reports/realestate.commission?" in page.text


class TestWithoutSales:
    @pytest.fixture
    def crm_plugins(self) -> list[str]:
        return ["realestate"]

    async def test_the_commission_report_says_it_needs_sales(self, crm_client):
        body = (await crm_client.get(REPORT)).json()
        assert body["rows"] == [] and "sales plugin" in body["note"]
