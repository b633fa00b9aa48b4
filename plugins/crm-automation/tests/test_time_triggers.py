"""Time-based triggers: no activity for N days, N days before or after a date field, a task
overdue by N hours. The scheduled job finds the records in bounded pages, and each record
fires once per occurrence, whoever runs the job again."""

from __future__ import annotations

import datetime as dt

import pytest
from crm_automation import timed

from crm_platform import toolkit

pytestmark = pytest.mark.postgres

MONDAY = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


async def _contact(client, name: str, **fields) -> int:
    response = await client.post("/api/v1/contacts", json={"given_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _call(client, contact_id: int) -> None:
    response = await client.post("/api/v1/activities", json={
        "type": "call", "subject": "Catch-up", "links": [{"record_type": "contact", "record_id": contact_id}]})
    assert response.status_code == 201, response.text


async def _subjects(tasks) -> list[str]:
    return sorted(task["subject"] for task in await tasks())


async def test_no_activity_for_n_days_fires_once_per_silence(
        crm_client, crm_clock, crm_run_jobs, make_workflow, runs_of, tasks):
    crm_clock.set(MONDAY)
    workflow = await make_workflow(
        name="Gone quiet", trigger={"event": "time.no_activity", "kind": "contact", "days": 30},
        steps=[{"action": "automation.create_task", "subject": "Call {{ record.given_name }}"}])
    quiet = await _contact(crm_client, "Quiet")
    busy = await _contact(crm_client, "Busy")
    crm_clock.advance(days=20)
    await _call(crm_client, busy)
    crm_clock.advance(days=10, minutes=15)
    await crm_run_jobs()
    assert await _subjects(tasks) == ["Call Quiet"]

    crm_clock.advance(minutes=15)
    await crm_run_jobs()
    # A second worker, or a rerun that forgot what it looked at, finds the same occurrence.
    await toolkit.execute("DELETE FROM automation_time_check")
    await timed.scan()
    await crm_run_jobs()
    assert await _subjects(tasks) == ["Call Quiet"]
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done" and run["event"] == "time.no_activity" and run["record_id"] == quiet

    await _call(crm_client, quiet)  # the silence is broken, and a new one begins
    crm_clock.advance(days=31)
    await crm_run_jobs()
    assert await _subjects(tasks) == ["Call Busy", "Call Quiet", "Call Quiet"]


async def test_n_days_before_and_after_a_custom_date_field(
        crm_client, web_client, crm_clock, crm_run_jobs, make_workflow, runs_of, tasks):
    settings = await web_client.get("/settings")
    added = await web_client.post("/settings/fields", data={
        "_csrf_token": web_client.csrf(settings.text), "record_type": "contact", "key": "renewal",
        "label": "Renewal", "kind": "date"})
    assert added.status_code in (302, 303), added.text
    crm_clock.set(MONDAY - dt.timedelta(days=1))  # Sunday 3 March
    await make_workflow(name="Renewal soon", trigger={
        "event": "time.date", "kind": "contact", "field": "custom.renewal", "days": 7, "when": "before"},
        steps=[{"action": "automation.create_task", "subject": "Renew {{ record.given_name }}"}])
    await make_workflow(name="Renewal missed", trigger={
        "event": "time.date", "kind": "contact", "field": "custom.renewal", "days": 2, "when": "after"},
        steps=[{"action": "automation.create_task", "subject": "Missed {{ record.given_name }}"}])
    await _contact(crm_client, "Ada", custom={"renewal": "2030-03-11"})
    await _contact(crm_client, "Bea", custom={"renewal": "2030-06-01"})
    await _contact(crm_client, "Cy")
    await crm_run_jobs()
    assert await _subjects(tasks) == []  # eight days before

    crm_clock.set(MONDAY)
    await crm_run_jobs()
    crm_clock.advance(hours=1)
    await crm_run_jobs()
    assert await _subjects(tasks) == ["Renew Ada"]

    crm_clock.set(dt.datetime(2030, 3, 13, 9, 0, tzinfo=dt.UTC))
    await crm_run_jobs()
    crm_clock.advance(days=1)
    await crm_run_jobs()
    assert await _subjects(tasks) == ["Missed Ada", "Renew Ada"]


async def test_a_task_overdue_by_n_hours_notifies_once(
        crm_client, crm_admin, crm_clock, crm_run_jobs, make_workflow, runs_of):
    crm_clock.set(MONDAY)
    workflow = await make_workflow(
        name="Overdue", trigger={"event": "time.task_overdue", "hours": 4},
        steps=[{"action": "automation.notify", "user": "owner", "subject": "Overdue: {{ record.subject }}"}])
    late = await toolkit.create_task(crm_admin[0], "Send the quote", MONDAY + dt.timedelta(hours=1))
    done = await toolkit.create_task(crm_admin[0], "Done in time", MONDAY + dt.timedelta(hours=1))
    await crm_client.patch(f"/api/v1/activities/{done['id']}", json={"done": True})
    crm_clock.advance(hours=4)  # 13:00, three hours overdue
    await crm_run_jobs()
    assert await runs_of(workflow["id"]) == []

    crm_clock.advance(hours=1, minutes=15)
    await crm_run_jobs()
    crm_clock.advance(hours=5)
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["record_kind"] == "activity" and run["record_id"] == late["id"] and run["state"] == "done"
    notes = (await crm_client.get("/api/v1/notifications")).json()
    ours = [note["subject"] for note in notes["items"] if note["subject"].startswith("Overdue")]
    assert ours == ["Overdue: Send the quote"]  # beside the core's own "Task due" reminder


async def test_the_job_takes_a_bounded_page_and_the_rest_at_its_next_firing(
        crm_client, crm_clock, crm_run_jobs, make_workflow, runs_of, monkeypatch):
    monkeypatch.setattr(timed, "PAGE", 2)
    monkeypatch.setattr(timed, "PAGES", 1)
    crm_clock.set(MONDAY)
    workflow = await make_workflow(
        name="Quiet ones", trigger={"event": "time.no_activity", "days": 1},
        steps=[{"action": "automation.add_tag", "tag": "quiet"}])
    for name in ("A", "B", "C"):
        await _contact(crm_client, name)
    crm_clock.advance(days=2)
    await crm_run_jobs()
    assert len(await runs_of(workflow["id"])) == 2
    crm_clock.advance(minutes=15)
    await crm_run_jobs()
    assert len(await runs_of(workflow["id"])) == 3


@pytest.mark.parametrize(("trigger", "path", "message"), [
    ({"event": "time.no_activity", "days": 0}, "trigger.days", "must be a whole number from 1 to 3650"),
    ({"event": "time.no_activity", "days": 3, "kind": "planet"}, "trigger.kind", "unknown record kind 'planet'"),
    ({"event": "time.date", "days": 3}, "trigger.field", "name the date field: custom.<key> or a date column"),
    ({"event": "time.date", "days": 3, "field": "shoe_size"}, "trigger.field",
     "contact has no field 'shoe_size'; a custom field is custom.<key>"),
    ({"event": "time.date", "days": 3, "field": "created_at", "when": "during"}, "trigger.when", "is before or after"),
    ({"event": "time.task_overdue", "hours": "soon"}, "trigger.hours", "must be a whole number from 1 to 87600"),
    ({"event": "time.task_overdue", "hours": 2, "days": 1}, "trigger.days", "time.task_overdue takes hours"),
])
async def test_a_wrong_time_trigger_is_a_422_naming_it(crm_client, trigger, path, message):
    response = await crm_client.post("/api/v1/automation/workflows", json={
        "name": "Bad", "trigger": trigger, "steps": [{"action": "automation.add_tag", "tag": "x"}]})
    assert response.status_code == 422, response.text
    assert message in str(response.json()), response.text
    assert path in str(response.json())


async def test_a_time_trigger_is_built_in_the_browser_form(web_client, crm_client):
    page = await web_client.get("/automation/new")
    assert 'value="time.no_activity"' in page.text and 'name="trigger_days"' in page.text
    created = await web_client.post("/automation/new", data={
        "_csrf_token": web_client.csrf(page.text), "name": "Quiet for a month", "trigger_event": "time.no_activity",
        "trigger_kind": "contact", "trigger_days": "30", "trigger_when": "before", "match": "all",
        "step": ["0"], "step0_action": "automation.add_tag", "step0_tag": "quiet"})
    assert created.status_code == 303, created.text
    workflow_id = int(created.headers["location"].rsplit("/", 1)[1])
    stored = (await crm_client.get(f"/api/v1/automation/workflows/{workflow_id}")).json()
    assert stored["trigger"] == {"event": "time.no_activity", "kind": "contact", "days": 30}
    shown = await web_client.get(f"/automation/workflows/{workflow_id}/edit")
    assert shown.status_code == 200 and 'name="trigger_days" type="number" value="30"' in shown.text
