"""Workflows through the API: a trigger starts a run on the job queue, conditions decide, and
the steps act on the record; every run is recorded with its steps."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres

WELCOME = {
    "name": "Welcome new leads",
    "trigger": {"event": "RecordCreated", "kind": "contact"},
    "conditions": {"all": [{"field": "lifecycle_stage", "op": "eq", "value": "lead"},
                           {"any": [{"field": "primary_email", "op": "contains", "value": "@example.com"},
                                    {"field": "given_name", "op": "eq", "value": "Grace"}]}]},
    "steps": [{"action": "automation.create_task", "subject": "Welcome call: {{ record.given_name }}",
               "assignee": "owner", "due_in_business_days": 2}],
}


async def test_a_new_contact_gets_its_welcome_task_and_the_run_is_recorded(crm_client, make_workflow, crm_run_jobs, runs_of, tasks):
    workflow = await make_workflow(**WELCOME)
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "emails": [{"address": "ada@example.com"}]})).json()
    await crm_run_jobs()

    [task] = [t for t in await tasks() if t["subject"] == "Welcome call: Ada"]
    assert {"record_type": "contact", "record_id": contact["id"]} in [
        {"record_type": link["record_type"], "record_id": link["record_id"]} for link in task["links"]]
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done" and run["event"] == "RecordCreated" and run["version"] == 1
    assert run["record_kind"] == "contact" and run["record_id"] == contact["id"] and run["record_title"] == "Ada"
    [step] = run["steps"]
    assert step["state"] == "done" and step["outcome"]["task_id"] == task["id"]
    assert step["started_at"] and step["finished_at"]


async def test_conditions_that_do_not_hold_skip_the_run_and_say_why(crm_client, make_workflow, crm_run_jobs, runs_of, tasks):
    workflow = await make_workflow(**WELCOME)
    await crm_client.post("/api/v1/contacts", json={"given_name": "Bob", "emails": [{"address": "bob@other.org"}]})
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "skipped"
    assert "conditions not met" in run["error"] and "primary_email contains @example.com" in run["error"]
    assert [t for t in await tasks() if t["subject"].startswith("Welcome call")] == []


async def test_a_field_changed_from_to_trigger_fires_only_for_that_change(crm_client, make_workflow, crm_run_jobs, runs_of, tasks):
    workflow = await make_workflow(
        name="Customer onboarding",
        trigger={"event": "RecordUpdated", "kind": "contact", "field": "lifecycle_stage", "from": "lead",
                 "to": "customer"},
        steps=[{"action": "automation.add_tag", "tag": "onboarding"}],
    )
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Cy"})).json()
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"family_name": "Young"})
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"lifecycle_stage": "customer"})
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done"
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).json()["tags"] == ["onboarding"]


async def test_an_activity_logged_trigger_filters_by_type(crm_client, make_workflow, crm_run_jobs, runs_of, tasks):
    workflow = await make_workflow(
        name="After a call", trigger={"event": "ActivityLogged", "activity_type": "call"},
        steps=[{"action": "automation.notify", "user": "actor", "subject": "Log the call's outcome"}],
    )
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Di"})).json()
    link = [{"record_type": "contact", "record_id": contact["id"]}]
    await crm_client.post("/api/v1/activities", json={"type": "note", "subject": "n", "links": link})
    await crm_client.post("/api/v1/activities", json={"type": "call", "subject": "c", "links": link})
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done" and run["record_kind"] == "activity"
    notes = (await crm_client.get("/api/v1/notifications")).json()
    assert "Log the call's outcome" in str(notes)


async def test_the_triggers_come_from_the_contracts_event_classes(crm_client, runs_of, tasks):
    events = {item["event"]: item for item in (await crm_client.get("/api/v1/automation/triggers")).json()}
    assert {"RecordCreated", "RecordUpdated", "RecordDeleted", "ActivityLogged"} <= events.keys()
    # The sales plugin's own event classes are triggers without a line about them here.
    assert {"DealWon", "DealLost", "DealStageChanged"} <= events.keys()
    assert events["RecordUpdated"]["filters"] == ["kind", "field", "from", "to"]


async def test_a_disabled_workflow_does_not_run_and_enabling_it_keeps_its_definition(
    crm_client, make_workflow, crm_run_jobs
, runs_of, tasks):
    workflow = await make_workflow(**WELCOME)
    off = (await crm_client.post(f"/api/v1/automation/workflows/{workflow['id']}/disable")).json()
    assert off["enabled"] is False
    await crm_client.post("/api/v1/contacts", json={"given_name": "Eve", "emails": [{"address": "eve@example.com"}]})
    await crm_run_jobs()
    assert await runs_of(workflow["id"]) == []
    on = (await crm_client.post(f"/api/v1/automation/workflows/{workflow['id']}/enable")).json()
    assert on["enabled"] is True and on["steps"] == workflow["steps"] and on["conditions"] == workflow["conditions"]


async def test_a_run_shows_on_the_records_timeline(crm_client, make_workflow, crm_run_jobs, runs_of, tasks):
    await make_workflow(**WELCOME)
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Fay", "emails": [{"address": "fay@example.com"}]})).json()
    await crm_run_jobs()
    timeline = (await crm_client.get(f"/api/v1/contacts/{contact['id']}/timeline")).json()
    assert "Workflow “Welcome new leads” (v1): done" in str(timeline)


async def test_deleting_a_workflow_removes_its_versions_and_runs(crm_client, make_workflow, crm_run_jobs, runs_of,
                                                                tasks):
    workflow = await make_workflow(**WELCOME)
    await crm_client.post("/api/v1/contacts", json={"given_name": "Gil", "emails": [{"address": "gil@example.com"}]})
    await crm_run_jobs()
    assert len(await runs_of(workflow["id"])) == 1
    assert (await crm_client.delete(f"/api/v1/automation/workflows/{workflow['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/automation/workflows/{workflow['id']}")).status_code == 404
    assert (await crm_client.get(f"/api/v1/automation/workflows/{workflow['id']}/runs")).status_code == 404
    assert [t["subject"] for t in await tasks()] == ["Welcome call: Gil"]  # what the runs did stays
