"""The reports pages: the list, a report's chart drawn in the page as SVG with its table,
filters in the query string, errors named beside their field, and the nav item."""

from __future__ import annotations

import re

import pytest

from crm_platform import toolkit
from tests.reports.conftest import add_contact

pytestmark = pytest.mark.postgres


async def test_the_reports_page_lists_every_report_and_the_nav_links_to_it(crm_client, crm_admin, browse):
    async with browse(crm_admin[0].email) as client:
        page = await client.get("/reports")
    assert page.status_code == 200
    assert 'href="/reports"' in page.text
    for title in ("Team activity", "Follow-up discipline", "Lifecycle funnel", "Sources", "Referrals"):
        assert title in page.text


async def test_a_report_page_draws_an_accessible_chart_with_the_table_behind_it(teams, crm_admin, browse):
    await add_contact(teams["ann"].client, "Ada", source="web")
    await add_contact(teams["ann"].client, "Alma", source="web", lifecycle_stage="customer")
    await add_contact(teams["cat"].client, "Cleo", source="fair <b>")
    async with browse(crm_admin[0].email) as client:
        page = await client.get("/reports/sources")
    assert page.status_code == 200
    svg = re.search(r"<svg class=\"report-chart\".*?</svg>", page.text, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "web: Contacts 2, Became customers 1" in svg
    assert "fair &lt;b&gt;" in page.text and "fair <b>" not in page.text
    table = re.search(r'<table class="table report-table".*?</table>', page.text, re.S).group(0)
    assert '<th scope="row">web</th><td class="num">2</td><td class="num">1</td><td class="num">50.0%</td>' in table
    assert "/api/v1/reports/sources?format=csv" in page.text


async def test_the_team_filter_in_the_query_string_narrows_the_page(teams, crm_admin, browse):
    await add_contact(teams["ann"].client, "Ada", source="web")
    await add_contact(teams["cat"].client, "Cleo", source="fair")
    south = next(team["id"] for team in await toolkit.list_teams() if team["name"] == "South")
    async with browse(crm_admin[0].email) as client:
        page = await client.get("/reports/sources", params={"team": south})
    assert '<th scope="row">fair</th>' in page.text and '<th scope="row">web</th>' not in page.text
    assert f'<option value="{south}" selected>' in page.text


async def test_a_member_is_offered_only_their_own_team_and_sees_only_its_figures(teams, browse):
    await add_contact(teams["cat"].client, "Cleo", source="fair")
    async with browse("ann@example.com") as client:
        page = await client.get("/reports/sources")
    assert "South" not in page.text and "North" in page.text
    assert '<th scope="row">fair</th>' not in page.text


async def test_a_bad_date_is_named_beside_its_field(crm_admin, browse):
    async with browse(crm_admin[0].email) as client:
        page = await client.get("/reports/sources", params={"from": "soon"})
    assert page.status_code == 422
    assert 'id="report-from-error"' in page.text and "&#39;soon&#39; is not a date" in page.text


async def test_every_chart_kind_draws(teams, crm_admin, browse):
    ada = await add_contact(teams["ann"].client, "Ada")
    await teams["ann"].client.patch(f"/api/v1/contacts/{ada['id']}", json={"lifecycle_stage": "customer"})
    async with browse(crm_admin[0].email) as client:
        for key in ("team_activity", "follow_up", "lifecycle_funnel", "customers_won_lost", "sources", "referrals"):
            page = await client.get(f"/reports/{key}")
            assert page.status_code == 200, (key, page.text[:500])
        funnel = await client.get("/reports/lifecycle_funnel")
        assert "Leads: Contacts 1" in funnel.text
        line = await client.get("/reports/customers_won_lost")
        assert "<polyline" in line.text
