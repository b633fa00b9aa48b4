"""Runs: loops stop at the depth limit and say so, versions keep runs in flight on theirs,
waits resume on time, dry runs change nothing, round robins take turns, and the deal-won
workflow emails the deal's contact through the real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform import toolkit

pytestmark = pytest.mark.postgres


async def test_a_workflow_that_retriggers_itself_is_stopped_at_the_depth_limit(
    crm_client, make_workflow, crm_run_jobs, runs_of
):
    workflow = await make_workflow(
        name="Echo", trigger={"event": "RecordUpdated", "kind": "contact"},
        steps=[{"action": "automation.set_field", "field": "job_title", "value": "{{ record.job_title }}x"}],
    )
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Loop"})).json()
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"family_name": "Again"})
    await crm_run_jobs()

    runs = await runs_of(workflow["id"])
    assert [run["state"] for run in runs] == ["stopped"] + ["done"] * 6
    assert "depth limit of 5" in runs[0]["error"] and runs[0]["depth"] == 6
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).json()["job_title"] == "xxxxxx"


async def test_editing_makes_a_new_version_and_a_run_in_flight_finishes_on_its_own(
    crm_client, make_workflow, crm_run_jobs, crm_clock, runs_of, tasks
):
    workflow = await make_workflow(
        name="Later", trigger={"event": "RecordCreated", "kind": "contact"},
        steps=[{"action": "automation.wait", "hours": 1},
               {"action": "automation.create_task", "subject": "v1 task for {{ record.given_name }}"}],
    )
    await crm_client.post("/api/v1/contacts", json={"given_name": "Ann"})
    await crm_run_jobs()
    [waiting] = await runs_of(workflow["id"])
    assert waiting["state"] == "waiting" and waiting["steps"][0]["state"] == "waiting"

    edited = await crm_client.patch(f"/api/v1/automation/workflows/{workflow['id']}", json={
        "steps": [{"action": "automation.create_task", "subject": "v2 task for {{ record.given_name }}"}]})
    assert edited.status_code == 200 and edited.json()["version"] == 2
    await crm_client.post("/api/v1/contacts", json={"given_name": "Ben"})
    await crm_run_jobs()
    assert [t["subject"] for t in await tasks()] == ["v2 task for Ben"]

    crm_clock.advance(minutes=61)
    await crm_run_jobs()
    assert sorted(t["subject"] for t in await tasks()) == ["v1 task for Ann", "v2 task for Ben"]
    runs = await runs_of(workflow["id"])
    assert [(run["version"], run["state"]) for run in runs] == [(2, "done"), (1, "done")]
    versions = (await crm_client.get(f"/api/v1/automation/workflows/{workflow['id']}/versions")).json()
    assert [v["number"] for v in versions] == [2, 1] and versions[1]["steps"][0]["action"] == "automation.wait"


async def test_a_dry_run_shows_what_would_happen_and_changes_nothing(crm_client, make_workflow, tasks):
    workflow = await make_workflow(
        name="Try me", enabled=False, trigger={"event": "RecordCreated", "kind": "contact"},
        conditions={"all": [{"field": "lifecycle_stage", "op": "in", "value": ["lead", "prospect"]}]},
        steps=[{"action": "automation.create_task", "subject": "Call {{ record.given_name }}",
                "due_in_business_days": 3},
               {"action": "automation.add_tag", "tag": "warm"}],
    )
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Cleo"})).json()
    response = await crm_client.post(f"/api/v1/automation/workflows/{workflow['id']}/dry-run",
                                     json={"kind": "contact", "record_id": contact["id"]})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["conditions_met"] is True
    assert [step["state"] for step in result["steps"]] == ["ok", "ok"]
    assert "create task 'Call Cleo'" in result["steps"][0]["outcome"]["would"]
    assert await tasks() == []
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).json()["tags"] == []
    missing = await crm_client.post(f"/api/v1/automation/workflows/{workflow['id']}/dry-run",
                                    json={"kind": "contact", "record_id": 999999})
    assert missing.status_code == 404


async def test_round_robin_assigns_the_teams_members_in_turn(crm_client, crm_make_user, make_workflow, crm_run_jobs):
    ann, _ = await crm_make_user("ann@example.com", team="North")
    bob, _ = await crm_make_user("bob@example.com", team="North")
    [team] = [team for team in await toolkit.list_teams() if team["name"] == "North"]
    await make_workflow(name="Spread leads", trigger={"event": "RecordCreated", "kind": "contact"},
                        steps=[{"action": "automation.assign_owner", "mode": "round_robin", "team_id": team["id"]}])
    ids = [(await crm_client.post("/api/v1/contacts", json={"given_name": f"Lead {n}"})).json()["id"] for n in range(3)]
    await crm_run_jobs()
    owners = [(await crm_client.get(f"/api/v1/contacts/{i}")).json()["owner_id"] for i in ids]
    first, second = sorted([ann.id, bob.id])
    assert owners == [first, second, first]


async def test_least_loaded_assigns_the_member_with_the_fewest_open_tasks(
        crm_client, crm_admin, crm_make_user, make_workflow, crm_run_jobs):
    ann, _ = await crm_make_user("ann@example.com", team="South")
    bob, _ = await crm_make_user("bob@example.com", team="South")
    [team] = [team for team in await toolkit.list_teams() if team["name"] == "South"]
    due = toolkit.now() + dt.timedelta(days=2)
    for subject in ("Quote", "Visit"):
        await toolkit.create_task(crm_admin[0], subject, due, assignee_id=ann.id)
    finished = await toolkit.create_task(crm_admin[0], "Old call", due, assignee_id=bob.id)
    await crm_client.patch(f"/api/v1/activities/{finished['id']}", json={"done": True})
    await make_workflow(name="To the least busy", trigger={"event": "RecordCreated", "kind": "contact"},
                        steps=[{"action": "automation.assign_owner", "mode": "least_loaded", "team_id": team["id"]},
                               {"action": "automation.create_task", "subject": "Welcome {{ record.given_name }}"}])
    first = (await crm_client.post("/api/v1/contacts", json={"given_name": "One"})).json()["id"]
    await crm_run_jobs()
    # Bob has no open task (his one is done), Ann two; each welcome task goes to the new owner.
    assert (await crm_client.get(f"/api/v1/contacts/{first}")).json()["owner_id"] == bob.id
    second = (await crm_client.post("/api/v1/contacts", json={"given_name": "Two"})).json()["id"]
    await crm_run_jobs()
    assert (await crm_client.get(f"/api/v1/contacts/{second}")).json()["owner_id"] == bob.id
    third = (await crm_client.post("/api/v1/contacts", json={"given_name": "Three"})).json()["id"]
    await crm_run_jobs()
    # Bob now holds two welcome tasks, as many as Ann; the lower id takes the tie.
    assert (await crm_client.get(f"/api/v1/contacts/{third}")).json()["owner_id"] == min(ann.id, bob.id)


async def test_deal_won_makes_a_task_for_the_owner_and_emails_the_contact(
    crm_client, crm_admin, make_workflow, crm_run_jobs, crm_smtp, runs_of, tasks
):
    workflow = await make_workflow(
        name="Deal won", trigger={"event": "DealWon"},
        steps=[{"action": "automation.create_task", "subject": "Kick-off for {{ record.title }}", "assignee": "owner"},
               {"action": "automation.send_email", "subject": "Welcome aboard, {{ contact.given_name }}",
                "body": "Thank you for {{ record.title }} ({{ record.amount }} {{ record.currency }})."}],
    )
    contact = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Ada", "emails": [{"address": "ada@example.com"}]})).json()
    deal = (await crm_client.post("/api/v1/sales/deals", json={
        "title": "Relaunch", "amount": "1200", "contacts": [{"contact_id": contact["id"]}]})).json()
    pipeline = (await crm_client.get("/api/v1/sales/pipelines")).json()[0]
    won = next(stage["id"] for stage in pipeline["stages"] if stage["kind"] == "won")
    moved = await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": won})
    assert moved.status_code in (200, 201), moved.text
    await crm_run_jobs()

    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done", run
    assert run["record_kind"] == "sales.deal" and run["record_title"] == "Relaunch"
    [task] = [t for t in await tasks() if t["subject"] == "Kick-off for Relaunch"]
    assert task["assignee_id"] == crm_admin[0].id
    [email] = crm_smtp.to("ada@example.com")
    assert email.subject == "Welcome aboard, Ada"
    assert "Thank you for Relaunch (1200" in email.body("plain") and "EUR)." in email.body("plain")


async def test_a_template_cannot_reach_python_internals(crm_client, make_workflow, crm_run_jobs, runs_of, tasks):
    workflow = await make_workflow(
        name="Nosy", trigger={"event": "RecordCreated", "kind": "contact"},
        steps=[{"action": "automation.create_task", "subject": "{{ record.__class__.__mro__[1].__subclasses__() }}"}],
    )
    await crm_client.post("/api/v1/contacts", json={"given_name": "Eve"})
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "failed" and "cannot be rendered" in run["error"]
    assert await tasks() == []


async def test_a_deal_moved_trigger_can_wait_for_one_stage(crm_client, make_workflow, crm_run_jobs, runs_of):
    pipeline = (await crm_client.get("/api/v1/sales/pipelines")).json()[0]
    stages = {stage["name"]: stage["id"] for stage in pipeline["stages"]}
    workflow = await make_workflow(
        name="Proposal sent", trigger={"event": "DealStageChanged", "where": {"stage_to_id": stages["Proposal"]}},
        steps=[{"action": "automation.create_task", "subject": "Follow up the proposal for {{ record.title }}"}])
    deal = (await crm_client.post("/api/v1/sales/deals", json={"title": "Solar"})).json()
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": stages["Qualified"]})
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": stages["Proposal"]})
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done" and run["record_title"] == "Solar"
    bad = await crm_client.post("/api/v1/automation/workflows", json={
        "name": "x", "trigger": {"event": "DealStageChanged", "where": {"stage": 1}},
        "steps": [{"action": "automation.add_tag", "tag": "t"}]})
    assert bad.status_code == 422 and "has no field 'stage'" in bad.json()["errors"]["trigger.where.stage"]


async def test_steps_set_the_stage_and_a_fixed_owner_and_a_wrong_value_fails_the_run_saying_why(
    crm_client, crm_make_user, make_workflow, crm_run_jobs, runs_of
):
    cleo, _ = await crm_make_user("cleo@example.com", team="South")
    workflow = await make_workflow(
        name="Promote", trigger={"event": "RecordCreated", "kind": "contact"},
        steps=[{"action": "automation.set_field", "field": "lifecycle_stage", "value": "prospect"},
               {"action": "automation.assign_owner", "mode": "fixed", "user_id": cleo.id},
               {"action": "automation.set_field", "field": "lifecycle_stage", "value": "{{ record.given_name }}"}],
    )
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Zed"})).json()
    await crm_run_jobs()
    stored = (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).json()
    assert stored["lifecycle_stage"] == "prospect" and stored["owner_id"] == cleo.id
    run = next(run for run in await runs_of(workflow["id"]) if run["record_id"] == contact["id"])
    assert run["state"] == "failed" and run["error"].startswith("step 3 (Set a field or stage): lifecycle_stage")
    assert [step["state"] for step in run["steps"]] == ["done", "done", "failed"]
