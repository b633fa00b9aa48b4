"""Segments: saved filters with the core's list filters (typed custom-field operators too) and
static lists; counts and members as the user sees them, a CSV export, and workflows that test
membership and add to or remove from a list."""

from __future__ import annotations

import csv
import io
import types

import pytest
from crm_hookspecs import FieldDefinition, hookimpl


def _fields_plugin() -> types.ModuleType:
    module = types.ModuleType("segment_fields")

    @hookimpl
    def crm_field_definitions():
        return [FieldDefinition("contact", "budget", "Budget", "number")]

    module.crm_field_definitions = crm_field_definitions
    return module


@pytest.fixture
def crm_plugins():
    return ["automation", "sales", ("segment_fields", _fields_plugin())]


async def _contact(client, name: str, **fields) -> dict:
    response = await client.post("/api/v1/contacts", json={"given_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.postgres
async def test_a_saved_filter_counts_lists_and_exports_the_contacts_the_user_sees(
        crm_client, crm_member_client, web_client):
    await _contact(crm_client, "Big Lead", lifecycle_stage="lead", custom={"budget": 120.5})
    await _contact(crm_client, "Small Lead", lifecycle_stage="lead", custom={"budget": 5})
    await _contact(crm_client, "Big Customer", lifecycle_stage="customer", custom={"budget": 900})
    await _contact(crm_member_client, "Member Lead", lifecycle_stage="lead", custom={"budget": 300})
    response = await crm_client.post("/api/v1/automation/segments", json={
        "name": "Big leads", "filters": {"equals": {"lifecycle_stage": "lead"}, "custom": ["budget:gt:100"]}})
    assert response.status_code == 201, response.text
    segment = response.json()
    assert segment["count"] == 2 and segment["dynamic"] is True  # as numbers: "120.5" > "100"

    members = (await crm_client.get(f"/api/v1/automation/segments/{segment['id']}/members")).json()
    assert sorted(row["display_name"] for row in members["items"]) == ["Big Lead", "Member Lead"]
    # A member of a team sees only their own contacts in it.
    mine = (await crm_member_client.get(f"/api/v1/automation/segments/{segment['id']}")).json()
    assert mine["count"] == 1

    page = await web_client.get(f"/automation/segments/{segment['id']}")
    assert page.status_code == 200 and "Big Lead" in page.text and "Small Lead" not in page.text
    export = await web_client.get(f"/automation/segments/{segment['id']}/export.csv")
    assert export.headers["content-type"].startswith("text/csv")
    names = [row["name"] for row in csv.DictReader(io.StringIO(export.text))]
    assert sorted(names) == ["Big Lead", "Member Lead"]


async def test_a_wrong_filter_is_a_422_naming_it(crm_client):
    response = await crm_client.post("/api/v1/automation/segments", json={
        "name": "", "filters": {"custom": ["budget:near:5", "colour:eq:red"], "equals": {"shoe_size": 3}}})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name"}
    response = await crm_client.post("/api/v1/automation/segments", json={
        "name": "Odd", "filters": {"custom": ["budget:gt:lots", "colour:eq:red"]}})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"filters.custom.budget", "filters.custom.colour"}
    response = await crm_client.post("/api/v1/automation/segments", json={
        "name": "Odd", "filters": {"equals": {"shoe_size": 3}, "colour": "red"}})
    assert set(response.json()["errors"]) == {"filters.colour"}
    response = await crm_client.post("/api/v1/automation/segments", json={
        "name": "Odd", "filters": {"equals": {"shoe_size": 3}}})
    assert response.json()["errors"] == {"filters.equals.shoe_size": "is not a field of contact"}
    assert (await crm_client.get("/api/v1/automation/segments")).json() == []


@pytest.mark.postgres
async def test_a_static_list_takes_members_by_hand_and_from_workflows(crm_client, make_workflow, crm_run_jobs,
                                                                       runs_of):
    vip = (await crm_client.post("/api/v1/automation/segments", json={"name": "VIP", "dynamic": False})).json()
    assert vip["count"] == 0
    ann = await _contact(crm_client, "Ann")
    response = await crm_client.post(f"/api/v1/automation/segments/{vip['id']}/members",
                                     json={"ids": [ann["id"], 999_999]})
    assert response.status_code == 422 and response.json()["errors"] == {
        "ids[1]": "does not exist or you may not see it"}
    assert (await crm_client.post(f"/api/v1/automation/segments/{vip['id']}/members",
                                  json={"ids": [ann["id"], ann["id"]]})).json() == {"added": 1}
    assert (await crm_client.post(f"/api/v1/automation/segments/{vip['id']}/members",
                                  json={"ids": [ann["id"]]})).json() == {"added": 0}

    # Contacts tagged "vip" join the list; a workflow on updates tells members from the others.
    await make_workflow(name="Tagged VIPs join", trigger={"event": "RecordCreated", "kind": "contact"},
                        conditions={"all": [{"field": "tags", "op": "contains", "value": "vip"}]},
                        steps=[{"action": "automation.segment", "segment_id": vip["id"]}])
    greet = await make_workflow(name="Members only", trigger={"event": "RecordUpdated", "kind": "contact"},
                                conditions={"all": [{"field": "segment", "op": "eq", "value": vip["id"]}]},
                                steps=[{"action": "automation.segment", "segment_id": vip["id"], "remove": True}])
    bob = await _contact(crm_client, "Bob", tags=["vip"])
    await crm_run_jobs()
    assert (await crm_client.get(f"/api/v1/automation/segments/{vip['id']}")).json()["count"] == 2

    await crm_client.patch(f"/api/v1/contacts/{bob['id']}", json={"job_title": "CEO"})
    outsider = await _contact(crm_client, "Cy")
    await crm_client.patch(f"/api/v1/contacts/{outsider['id']}", json={"job_title": "CTO"})
    await crm_run_jobs()
    states = sorted(run["state"] for run in await runs_of(greet["id"]))
    assert states == ["done", "skipped"]
    members = (await crm_client.get(f"/api/v1/automation/segments/{vip['id']}/members")).json()["items"]
    assert [row["display_name"] for row in members] == ["Ann"]

    response = await crm_client.post("/api/v1/automation/workflows", json={
        "name": "Bad", "trigger": {"event": "RecordCreated"},
        "conditions": {"all": [{"field": "segment", "op": "gt", "value": "x"}]}, "steps": []})
    assert response.status_code == 422 and "conditions.all[0].op" in response.json()["errors"]
