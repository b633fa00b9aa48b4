"""Waits: N working days, and until a condition holds (looked at again by the minute job),
with a branch for when it never does; a waiting run lives in the database, so whichever
worker picks it up later goes on where it stood."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.postgres

FRIDAY = dt.datetime(2030, 3, 8, 10, 0, tzinfo=dt.UTC)


async def _subjects(tasks) -> list[str]:
    return sorted(task["subject"] for task in await tasks())


async def test_a_wait_of_business_days_skips_the_weekend(crm_client, crm_clock, crm_run_jobs, make_workflow,
                                                         runs_of, tasks):
    crm_clock.set(FRIDAY)
    workflow = await make_workflow(
        name="Monday call", trigger={"event": "RecordCreated", "kind": "contact"},
        steps=[{"action": "automation.wait", "business_days": 1},
               {"action": "automation.create_task", "subject": "Call {{ record.given_name }}"}])
    await crm_client.post("/api/v1/contacts", json={"given_name": "Fay"})
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "waiting" and run["steps"][0]["outcome"]["until"].startswith("2030-03-11T10:00")
    crm_clock.advance(days=1)  # Saturday
    await crm_run_jobs()
    assert await tasks() == []
    crm_clock.advance(days=2, minutes=1)  # Monday 10:01
    await crm_run_jobs()
    assert await _subjects(tasks) == ["Call Fay"]


def _onboarding(**wait: object) -> list[dict[str, object]]:
    return [{"action": "automation.wait_until", "field": "lifecycle_stage", "op": "eq", "value": "customer",
             "timeout_days": 3, "on_timeout": 3, **wait},
            {"action": "automation.create_task", "subject": "Onboard {{ record.given_name }}"},
            {"action": "automation.create_task", "subject": "Chase {{ record.given_name }}"}]


async def test_a_wait_until_goes_on_when_the_condition_holds_and_skips_the_timeout_branch(
        crm_client, crm_clock, crm_run_jobs, make_workflow, runs_of, tasks):
    crm_clock.set(FRIDAY)
    workflow = await make_workflow(name="Onboarding", trigger={"event": "RecordCreated", "kind": "contact"},
                                   steps=_onboarding())
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Gil"})).json()
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "waiting" and run["steps"][0]["outcome"]["waiting_for"] == "lifecycle_stage eq customer"

    crm_clock.advance(hours=5)
    await crm_run_jobs()
    assert await tasks() == []
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"lifecycle_stage": "customer"})
    crm_clock.advance(minutes=16)
    await crm_run_jobs()
    assert await _subjects(tasks) == ["Onboard Gil"]
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done" and [step["state"] for step in run["steps"]] == ["done", "done"]

    crm_clock.advance(days=4)
    await crm_run_jobs()
    assert await _subjects(tasks) == ["Onboard Gil"]


async def test_a_wait_until_that_times_out_takes_its_branch(crm_client, crm_clock, crm_run_jobs, make_workflow,
                                                            runs_of, tasks):
    crm_clock.set(FRIDAY)
    chase = await make_workflow(name="Chase", trigger={"event": "RecordCreated", "kind": "contact"},
                                steps=_onboarding())
    give_up = await make_workflow(name="Give up", trigger={"event": "RecordCreated", "kind": "contact"},
                                  steps=_onboarding(on_timeout="stop"))
    await crm_client.post("/api/v1/contacts", json={"given_name": "Hal"})
    await crm_run_jobs()
    for _ in range(4):
        crm_clock.advance(days=1)
        await crm_run_jobs()
    assert await _subjects(tasks) == ["Chase Hal"]
    [run] = await runs_of(chase["id"])
    assert run["state"] == "done" and run["steps"][0]["outcome"]["timed_out"] is True
    [stopped] = await runs_of(give_up["id"])
    assert stopped["state"] == "done" and "the condition did not hold" in stopped["error"]


async def test_a_wrong_wait_is_a_422_naming_it(crm_client):
    response = await crm_client.post("/api/v1/automation/workflows", json={
        "name": "Bad waits", "trigger": {"event": "RecordCreated"},
        "steps": [{"action": "automation.wait_until", "field": "lifecycle_stage", "op": "sooner", "on_timeout": 1},
                  {"action": "automation.wait", "business_days": -2}]})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["steps[0].op"].startswith("unknown operator 'sooner'")
    assert errors["steps[0].timeout_days"] == "is required"
    assert errors["steps[0].on_timeout"] == "names a later step: from 2 to 2"
    assert "steps[1].business_days" in errors
