"""Dashboards: a default per role, saved ones per user or shared, with the date range and team
applied to every widget, and widgets added, moved and removed."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from crm_platform import toolkit
from tests.reports.conftest import add_contact

pytestmark = pytest.mark.postgres


async def test_each_role_has_a_default_dashboard_member_mine_manager_the_team(teams, crm_client):
    ann = (await teams["ann"].client.get("/api/v1/dashboards/default")).json()
    assert ann["title"] == "My numbers" and ann["filters"] == {"team": "me"}
    assert [w["report"] for w in ann["widgets"]] == ["team_activity", "follow_up", "lifecycle_funnel", "sources"]
    admin = (await crm_client.get("/api/v1/dashboards/default")).json()
    assert admin["title"] == "The team" and len(admin["results"]) == 6


async def test_the_dashboards_range_and_team_apply_to_every_widget(teams, crm_client):
    await add_contact(teams["ann"].client, "Ada", source="web")
    await add_contact(teams["cat"].client, "Cleo", source="fair")
    south = next(team["id"] for team in await toolkit.list_teams() if team["name"] == "South")
    start = (toolkit.now() - dt.timedelta(days=3)).date().isoformat()
    created = await crm_client.post("/api/v1/dashboards", json={
        "title": "Sources and funnel", "widgets": [{"report": "sources"}, {"report": "lifecycle_funnel"}]})
    assert created.status_code == 201, created.text
    response = await crm_client.get(f"/api/v1/dashboards/{created.json()['id']}",
                                    params={"team": south, "from": start})
    assert response.status_code == 200, response.text
    sources, funnel = response.json()["results"]
    assert [row["source"] for row in sources["rows"]] == ["fair"] and funnel["rows"][0]["reached"] == 1
    assert sources["filters"]["from"] == start and funnel["filters"]["team"] == str(south)


async def test_a_dashboard_is_private_until_shared_and_only_its_owner_changes_it(teams):
    ann, ben, cat = teams["ann"].client, teams["ben"].client, teams["cat"].client
    created = (await ann.post("/api/v1/dashboards", json={"title": "North", "widgets": []})).json()
    assert created["id"] not in [d["id"] for d in (await ben.get("/api/v1/dashboards")).json()]
    await ann.patch(f"/api/v1/dashboards/{created['id']}", json={"shared": "team"})
    assert (await ben.get(f"/api/v1/dashboards/{created['id']}")).status_code == 200
    assert (await cat.get(f"/api/v1/dashboards/{created['id']}")).status_code == 404
    refused = await ben.patch(f"/api/v1/dashboards/{created['id']}", json={"title": "Mine now"})
    assert refused.status_code == 403
    bad = await ann.patch(f"/api/v1/dashboards/{created['id']}", json={"widgets": [{"report": "nothing"}],
                                                                       "shared": "world"})
    assert bad.status_code == 422
    assert (await ann.get(f"/api/v1/dashboards/{created['id']}")).json()["title"] == "North"


async def test_widgets_are_added_moved_and_removed_on_the_page(crm_admin, browse):
    async with browse(crm_admin[0].email) as client:
        listing = await client.get("/dashboards")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', listing.text).group(1)
        created = await client.post("/dashboards", data={"title": "Mine", "shared": "private", "_csrf_token": token})
        assert created.status_code == 303
        page_url = created.headers["location"]
        page = await client.get(page_url)
        titles = re.findall(r'id="widget-\d+-heading"><a [^>]+>([^<]+)</a>', page.text)
        assert titles[:2] == ["Team activity", "Follow-up discipline"]
        await client.post(f"{page_url}/down", data={"index": "0", "_csrf_token": token})
        await client.post(f"{page_url}/remove", data={"index": str(len(titles) - 1), "_csrf_token": token})
        await client.post(f"{page_url}/add", data={"report": "referrals", "_csrf_token": token})
        page = await client.get(page_url)
        moved = re.findall(r'id="widget-\d+-heading"><a [^>]+>([^<]+)</a>', page.text)
        assert moved[:2] == ["Follow-up discipline", "Team activity"] and moved[-1] == "Referrals"
        assert len(moved) == len(titles)
        assert page.text.count('data-testid="report-table"') + page.text.count("Nothing to count") >= len(moved)
