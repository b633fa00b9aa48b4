"""Reports users build: any record kind, grouped by a field (custom fields too), counted or
measured, saved and shared, run like any report over what the viewer may see."""

from __future__ import annotations

import re

import pytest

from crm_platform import toolkit
from tests.reports.conftest import add_contact

pytestmark = pytest.mark.postgres


async def _field(**values) -> None:
    """A custom field on contacts, as an admin defines one in the settings."""
    from crm_platform.records.tables import CustomField

    await CustomField.insert(CustomField(record_type="contact", **values))


async def _build(client, token: str, **fields):
    return await client.post("/reports/new", data={"_csrf_token": token, **fields})


async def test_a_built_report_groups_by_a_custom_field_and_counts_only_what_each_viewer_sees(
    teams, crm_client, crm_admin, browse
):
    await _field(key="region", label="Region", kind="choice", choices=["north", "south"])
    await add_contact(teams["ann"].client, "Ada", custom={"region": "north"})
    await add_contact(teams["ann"].client, "Alma", custom={"region": "north"})
    await add_contact(teams["cat"].client, "Cleo", custom={"region": "south"})
    async with browse("ann@example.com") as client:
        form = await client.get("/reports/new?kind=contact")
        assert 'value="custom.region"' in form.text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
        bad = await _build(client, token, kind="contact", title="", group_by="nothing")
        assert bad.status_code == 422 and 'id="builder-title-error"' in bad.text and "nothing" in bad.text
        made = await _build(client, token, kind="contact", title="By region", group_by="custom.region",
                            measure="count", chart="bar", shared="everyone")
        assert made.status_code == 303
        key = made.headers["location"].rsplit("/", 1)[1]
        page = await client.get(made.headers["location"])
        assert "By region" in page.text and '<th scope="row">north</th><td class="num">2</td>' in page.text
    everyone = (await crm_client.get(f"/api/v1/reports/{key}")).json()
    assert {row["group"]: row["value"] for row in everyone["rows"]} == {"north": 2.0, "south": 1.0}
    cats = (await teams["cat"].client.get(f"/api/v1/reports/{key}")).json()  # shared with everyone
    assert cats["rows"] == [{"group": "south", "value": 1.0}]


async def test_a_built_report_measures_a_number_with_a_median(teams, crm_client, crm_admin, browse):
    await _field(key="score", label="Score", kind="number")
    for name, score in (("A", 10), ("B", 20), ("C", 90)):
        await add_contact(teams["ann"].client, name, custom={"score": score}, source="web")
    async with browse(crm_admin[0].email) as client:
        token = re.search(r'name="_csrf_token" value="([^"]+)"', (await client.get("/reports/new")).text).group(1)
        made = await _build(client, token, kind="contact", title="Score by source", group_by="source",
                            measure="median", value="custom.score", chart="bar", shared="private")
        assert made.status_code == 303, made.text
    key = made.headers["location"].rsplit("/", 1)[1]
    assert (await crm_client.get(f"/api/v1/reports/{key}")).json()["rows"] == [{"group": "web", "value": 20.0}]
    # Private: another user does not find it.
    assert (await teams["ann"].client.get(f"/api/v1/reports/{key}")).status_code == 404
    listed = await toolkit.fetch("SELECT title FROM crm_saved_report")
    assert listed == [{"title": "Score by source"}]


async def test_a_built_report_goes_on_a_dashboard(teams):
    ann = teams["ann"].client
    await add_contact(ann, "Ada", source="web")
    saved = await _saved(teams["ann"].principal, title="By source", kind="contact", group_by="source")
    created = await ann.post("/api/v1/dashboards", json={"title": "Mine", "widgets": [{"report": saved["key"]}]})
    assert created.status_code == 201, created.text
    board = (await ann.get(f"/api/v1/dashboards/{created.json()['id']}")).json()
    assert board["results"][0]["rows"] == [{"group": "web", "value": 1.0}]
    # Another user cannot put a private built report on their dashboard.
    refused = await teams["cat"].client.post("/api/v1/dashboards", json={
        "title": "Theirs", "widgets": [{"report": saved["key"]}]})
    assert refused.status_code == 422


async def _saved(principal, **values) -> dict:
    from crm_platform.reports import builder

    return await builder.create(principal, values)


async def test_a_built_report_is_edited_in_the_builder_by_its_owner_only(teams, crm_client, browse):
    ann = teams["ann"].client
    await add_contact(ann, "Ada", source="web", lifecycle_stage="customer")
    await add_contact(ann, "Alma", source="fair")
    saved = await _saved(teams["ann"].principal, title="By source", kind="contact", group_by="source",
                         shared="everyone")
    async with browse("ann@example.com") as client:
        listed = await client.get("/reports")
        assert f'href="/reports/saved/{saved["id"]}/edit"' in listed.text
        form = await client.get(f"/reports/saved/{saved['id']}/edit")
        assert form.status_code == 200 and "Edit By source" in form.text
        assert f'action="/reports/saved/{saved["id"]}/edit"' in form.text
        assert 'value="By source"' in form.text and re.search(r'<option value="source"\s+selected', form.text)
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
        bad = await client.post(f"/reports/saved/{saved['id']}/edit", data={
            "_csrf_token": token, "kind": "contact", "title": "By stage", "group_by": "nothing"})
        assert bad.status_code == 422 and "nothing" in bad.text and 'value="By stage"' in bad.text
        changed = await client.post(f"/reports/saved/{saved['id']}/edit", data={
            "_csrf_token": token, "kind": "contact", "title": "By stage", "group_by": "lifecycle_stage",
            "measure": "count", "chart": "table", "shared": "everyone"})
        assert changed.status_code == 303 and changed.headers["location"] == f"/reports/{saved['key']}"
    # The same key answers the new question, to whoever it is shared with, over what they see.
    result = (await crm_client.get(f"/api/v1/reports/{saved['key']}")).json()
    assert result["report"]["title"] == "By stage"
    assert {row["group"]: row["value"] for row in result["rows"]} == {"customer": 1.0, "lead": 1.0}
    theirs = (await teams["cat"].client.get(f"/api/v1/reports/{saved['key']}")).json()
    assert theirs["report"]["title"] == "By stage" and theirs["rows"] == []
    # Someone else sees it but does not change it; the bad try left it as it was.
    async with browse("cat@example.com") as client:
        assert (await client.get(f"/reports/saved/{saved['id']}/edit")).status_code == 403
        listed = await client.get("/reports")
        assert f'href="/reports/saved/{saved["id"]}/edit"' not in listed.text
    rows = await toolkit.fetch("SELECT title, group_by, chart FROM crm_saved_report")
    assert rows == [{"title": "By stage", "group_by": "lifecycle_stage", "chart": "table"}]
