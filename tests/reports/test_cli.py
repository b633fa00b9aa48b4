"""``crm report run``: a report's result as CSV or JSON, counted for the user named."""

from __future__ import annotations

import json

import pytest

from tests.reports.conftest import add_contact

pytestmark = pytest.mark.postgres


async def test_a_report_runs_from_the_command_line_as_csv_and_json(teams, crm_client, crm_cli):
    await add_contact(teams["ann"].client, "Ada", source="web")
    await add_contact(teams["cat"].client, "Cleo", source="fair")
    everyone = crm_cli("report", "run", "sources")
    assert everyone.exit_code == 0, everyone.output
    assert everyone.output.splitlines() == ["Source,Contacts,Became customers,Customer rate", "fair,1,0,0.0%",
                                            "web,1,0,0.0%"]
    ann = crm_cli("report", "run", "sources", "--format", "json", "--user", "ann@example.com")
    assert ann.exit_code == 0, ann.output
    assert [row["source"] for row in json.loads(ann.output)["rows"]] == ["web"]
    listed = crm_cli("report", "list")
    assert "team_activity" in listed.output and "Referrals" in listed.output


async def test_a_bad_filter_or_report_is_a_one_line_error(crm_client, crm_cli):
    bad = crm_cli("report", "run", "sources", "--from", "someday")
    assert bad.exit_code != 0 and "from: 'someday' is not a date" in bad.output
    unknown = crm_cli("report", "run", "nothing")
    assert unknown.exit_code != 0 and "report nothing does not exist" in unknown.output


async def test_rebuild_aggregates_counts_activities_the_reports_never_heard_of(teams, crm_client, crm_cli):
    from crm_platform import toolkit
    from crm_platform.reports import aggregates
    from tests.reports.conftest import log

    ada = await add_contact(teams["ann"].client, "Ada")
    await log(teams["ann"].client, "call", ada["id"])
    async with toolkit.unit_of_work():
        await toolkit.execute(f"DELETE FROM {aggregates.DAYS}")
        await toolkit.execute(f"DELETE FROM {aggregates.TALLY}")
    assert crm_cli("report", "run", "team_activity", "--param", "per=person").output.count("\n") == 1
    rebuilt = crm_cli("report", "rebuild-aggregates")
    assert rebuilt.exit_code == 0 and rebuilt.output == "counted 1 activities and 1 contacts\n", rebuilt.output
    assert crm_cli("report", "run", "team_activity", "--param", "per=person").output.splitlines()[1:] == [
        "ann,1,0,0,0,0,1"]
