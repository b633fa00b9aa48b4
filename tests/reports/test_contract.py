"""The report contract: a plugin adds a report through ``crm_reports``; the core lists it, reads
its filters, runs it and counts only what the viewer may see (the visibility rule and plugin
conditions), tested with two teams."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import (
    AccessFilter,
    ReportColumn,
    ReportDefinition,
    ReportParameter,
    ReportResult,
    hookimpl,
)

from crm_platform import toolkit
from tests.reports.conftest import add_contact

pytestmark = pytest.mark.postgres


async def contacts_by_owner(query):
    where, args = await toolkit.report_scope(query, "contact", "crm_contact")
    stage = query.params.get("stage")
    if stage:
        where.append("lifecycle_stage = {}")
        args.append(stage)
    rows = await toolkit.fetch(
        "SELECT owner, count(*) AS n FROM crm_contact WHERE created_at >= {} AND created_at < {}"
        + "".join(f" AND {w}" for w in where) + " GROUP BY owner ORDER BY owner", query.starts, query.ends, *args,
    )
    users = await toolkit.get_users([row["owner"] for row in rows])
    return ReportResult(
        (ReportColumn("owner", "Owner", "text"), ReportColumn("n", "Contacts")),
        [{"owner": users[row["owner"]]["display_name"], "n": row["n"]} for row in rows],
        summary={"total": sum(row["n"] for row in rows)},
    )


def _plugin() -> types.ModuleType:
    module = types.ModuleType("census")

    @hookimpl
    def crm_reports():
        return [ReportDefinition(
            "census.by_owner", "Contacts by owner", contacts_by_owner, group_by=("owner",),
            parameters=(ReportParameter("stage", "Stage", kind="choice", choices=("lead", "customer")),),
        )]

    @hookimpl
    def crm_access_conditions(principal, action, record_type):
        if record_type == "contact" and principal.role == "member":
            return [AccessFilter("job_title <> {}", ("Undercover",))]
        return None

    module.crm_reports = crm_reports
    module.crm_access_conditions = crm_access_conditions
    return module


@pytest.fixture
def crm_plugins():
    return [("census", _plugin())]


@pytest.fixture
async def counted(teams, crm_client):
    await add_contact(teams["ann"].client, "Ada")
    await add_contact(teams["ann"].client, "Alma", lifecycle_stage="customer")
    # Ann's, but hidden from members by the plugin's condition.
    await add_contact(crm_client, "Agent", job_title="Undercover", owner_id=teams["ann"].principal.id)
    await add_contact(teams["ben"].client, "Bob")
    await add_contact(teams["cat"].client, "Cleo")
    await add_contact(teams["cat"].client, "Cyd")
    return teams


@pytest.mark.exercises("crm_reports")
async def test_a_plugins_report_is_listed_with_its_parameters(crm_client):
    reports = {report["key"]: report for report in (await crm_client.get("/api/v1/reports")).json()}
    census = reports["census.by_owner"]
    assert census["plugin"] == "census" and census["title"] == "Contacts by owner"
    assert census["parameters"] == [
        {"key": "stage", "label": "Stage", "kind": "choice", "default": "", "choices": ["lead", "customer"]}]
    assert {"team_activity", "follow_up", "lifecycle_funnel", "sources", "referrals"} <= set(reports)


async def test_a_member_counts_only_their_teams_records_and_not_what_a_plugin_hides(counted, crm_client):
    ann = (await counted["ann"].client.get("/api/v1/reports/census.by_owner")).json()
    assert ann["summary"] == {"total": 3}  # Ada, Alma and Bob: not the undercover agent, not Cat's
    assert {row["owner"] for row in ann["rows"]} == {"ann", "ben"}
    cat = (await counted["cat"].client.get("/api/v1/reports/census.by_owner")).json()
    assert cat["summary"] == {"total": 2}
    everyone = (await crm_client.get("/api/v1/reports/census.by_owner")).json()
    assert everyone["summary"] == {"total": 6}


async def test_the_team_filter_and_the_reports_parameters_narrow_the_count(counted, crm_client):
    teams = {team["name"]: team["id"] for team in await toolkit.list_teams()}
    south = (await crm_client.get("/api/v1/reports/census.by_owner", params={"team": teams["South"]})).json()
    assert south["summary"] == {"total": 2} and south["filters"]["team"] == str(teams["South"])
    mine = (await counted["ann"].client.get("/api/v1/reports/census.by_owner", params={"team": "me"})).json()
    assert mine["summary"] == {"total": 2}
    # A member asking for the other team's figures gets none of them.
    peek = (await counted["ann"].client.get("/api/v1/reports/census.by_owner", params={"team": teams["South"]})).json()
    assert peek["summary"] == {"total": 0}
    customers = (await crm_client.get("/api/v1/reports/census.by_owner", params={"stage": "customer"})).json()
    assert customers["rows"] == [{"owner": "ann", "n": 1}]


async def test_bad_filters_are_refused_naming_each(crm_client):
    response = await crm_client.get("/api/v1/reports/census.by_owner",
                                    params={"from": "yesterday", "team": "nobody", "stage": "former"})
    assert response.status_code == 422
    errors = response.json()["extra"]["errors"] if "extra" in response.json() else response.json()["errors"]
    assert set(errors) == {"from", "team", "stage"}
    backwards = await crm_client.get("/api/v1/reports/census.by_owner", params={"from": "2026-05-02", "to": "2026-05-01"})
    assert backwards.status_code == 422 and "after it ends" in backwards.text


async def test_an_unknown_report_answers_404(crm_client):
    response = await crm_client.get("/api/v1/reports/census.nothing")
    assert response.status_code == 404 and "census.nothing" in response.text


async def test_the_result_exports_as_csv(counted, crm_client):
    response = await crm_client.get("/api/v1/reports/census.by_owner", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "Owner,Contacts"
    assert "ann,3" in response.text.splitlines()


def test_a_report_key_must_name_the_plugin_and_a_known_chart():
    with pytest.raises(ValueError, match="chart 'pie'"):
        ReportDefinition("census.x", "X", contacts_by_owner, chart="pie")
    with pytest.raises(ValueError, match="'from' is every report's own"):
        ReportDefinition("census.x", "X", contacts_by_owner, parameters=(ReportParameter("from", "From"),))
