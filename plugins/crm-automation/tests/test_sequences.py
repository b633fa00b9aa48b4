"""Sequences: steps days apart for the contacts enrolled, by hand, through the API or by a
workflow; a reply or a named event takes a contact out; each step is done once; the whole
life of a sequence (create, edit, trash, restore, list) and its page."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.postgres

MONDAY = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
STEPS = [
    {"type": "email", "delay_days": 0, "subject": "Hello {{ contact.given_name }}", "body": "Nice to meet you."},
    {"type": "call", "delay_days": 2, "subject": "Call {{ contact.given_name }}"},
    {"type": "email", "delay_days": 3, "subject": "Last note for {{ contact.given_name }}", "body": "Bye."},
]


async def _contact(client, name: str) -> int:
    response = await client.post("/api/v1/contacts", json={
        "given_name": name, "emails": [{"address": f"{name.lower()}@example.com"}]})
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _sequence(client, **fields) -> dict:
    response = await client.post("/api/v1/automation/sequences", json={"name": "Outreach", "steps": STEPS, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def _states(client, sequence_id: int) -> dict[str, tuple[int | None, str]]:
    response = await client.get(f"/api/v1/automation/sequences/{sequence_id}/enrolments")
    assert response.status_code == 200, response.text
    return {row["contact_name"]: (row["step"], row["state"]) for row in response.json()["items"]}


async def test_a_sequence_sends_its_steps_in_turn_and_a_reply_takes_the_contact_out(
        crm_client, crm_clock, crm_run_jobs, crm_smtp, tasks):
    crm_clock.set(MONDAY)
    sequence = await _sequence(crm_client)
    ada, ben = await _contact(crm_client, "Ada"), await _contact(crm_client, "Ben")
    enrolled = await crm_client.post(f"/api/v1/automation/sequences/{sequence['id']}/enrolments",
                                     json={"contact_ids": [ada, ben]})
    assert enrolled.json() == {"enrolled": [ada, ben]}
    again = await crm_client.post(f"/api/v1/automation/sequences/{sequence['id']}/enrolments",
                                  json={"contact_ids": [ada]})
    assert again.json() == {"enrolled": []}
    await crm_run_jobs()
    assert [mail.subject for mail in crm_smtp.to("ada@example.com")] == ["Hello Ada"]
    assert [mail.subject for mail in crm_smtp.to("ben@example.com")] == ["Hello Ben"]
    assert await _states(crm_client, sequence["id"]) == {"Ada": (2, "active"), "Ben": (2, "active")}

    reply = await crm_client.post("/api/v1/activities", json={
        "type": "email", "direction": "inbound", "subject": "Re: Hello Ben",
        "links": [{"record_type": "contact", "record_id": ben}]})
    assert reply.status_code == 201, reply.text
    await crm_run_jobs()
    assert (await _states(crm_client, sequence["id"]))["Ben"] == (2, "stopped")

    crm_clock.advance(days=2, minutes=1)
    await crm_run_jobs()
    crm_clock.advance(minutes=1)
    await crm_run_jobs()
    assert sorted(task["subject"] for task in await tasks()) == ["Call Ada"]
    crm_clock.advance(days=3)
    await crm_run_jobs()
    assert [mail.subject for mail in crm_smtp.to("ada@example.com")] == ["Hello Ada", "Last note for Ada"]
    assert [mail.subject for mail in crm_smtp.to("ben@example.com")] == ["Hello Ben"]
    assert await _states(crm_client, sequence["id"]) == {"Ada": (None, "finished"), "Ben": (2, "stopped")}


async def test_a_workflow_enrols_and_a_won_deal_takes_the_contact_out(
        crm_client, crm_clock, crm_run_jobs, make_workflow, tasks):
    crm_clock.set(MONDAY)
    sequence = await _sequence(crm_client, steps=[
        {"type": "task", "delay_days": 1, "subject": "Follow up {{ contact.given_name }}"}], stop_on=["DealWon"])
    await make_workflow(name="Into outreach", trigger={"event": "RecordCreated", "kind": "contact"},
                        steps=[{"action": "automation.sequence", "sequence_id": sequence["id"]}])
    cleo = await _contact(crm_client, "Cleo")
    dan = await _contact(crm_client, "Dan")
    await crm_run_jobs()
    assert await _states(crm_client, sequence["id"]) == {"Cleo": (1, "active"), "Dan": (1, "active")}
    deal = (await crm_client.post("/api/v1/sales/deals", json={
        "title": "Quick win", "contacts": [{"contact_id": cleo}]})).json()
    pipeline = (await crm_client.get("/api/v1/sales/pipelines")).json()[0]
    won = next(stage["id"] for stage in pipeline["stages"] if stage["kind"] == "won")
    await crm_client.post(f"/api/v1/sales/deals/{deal['id']}/move", json={"stage_id": won})
    await crm_run_jobs()
    crm_clock.advance(days=1, minutes=1)
    await crm_run_jobs()
    assert [task["subject"] for task in await tasks()] == ["Follow up Dan"]
    states = await _states(crm_client, sequence["id"])
    assert states["Cleo"] == (1, "stopped") and states["Dan"] == (None, "finished")
    assert dan


async def test_a_sequence_is_edited_trashed_and_restored_and_waits_while_in_the_trash(
        crm_client, crm_clock, crm_run_jobs, crm_smtp):
    crm_clock.set(MONDAY)
    sequence = await _sequence(crm_client)
    edited = await crm_client.patch(f"/api/v1/automation/sequences/{sequence['id']}", json={"name": "Warm outreach"})
    assert edited.status_code == 200 and edited.json()["name"] == "Warm outreach"
    ada = await _contact(crm_client, "Ada")
    await crm_client.post(f"/api/v1/automation/sequences/{sequence['id']}/enrolments", json={"contact_ids": [ada]})
    assert (await crm_client.delete(f"/api/v1/automation/sequences/{sequence['id']}")).status_code == 204
    assert (await crm_client.get("/api/v1/automation/sequences")).json() == []
    assert [s["name"] for s in (await crm_client.get("/api/v1/automation/sequences?deleted=true")).json()] == [
        "Warm outreach"]
    assert (await crm_client.get(f"/api/v1/automation/sequences/{sequence['id']}")).status_code == 404
    await crm_run_jobs()
    assert crm_smtp.to("ada@example.com") == []

    restored = await crm_client.post(f"/api/v1/automation/sequences/{sequence['id']}/restore")
    assert restored.status_code == 200 and restored.json()["enrolled"] == {"active": 1}
    crm_clock.advance(minutes=1)  # the job's next firing
    await crm_run_jobs()
    assert [mail.subject for mail in crm_smtp.to("ada@example.com")] == ["Hello Ada"]


async def test_the_sequence_page_shows_each_contact_at_its_step_and_enrols_by_hand(
        crm_client, web_client, crm_member_client, crm_run_jobs, crm_clock):
    crm_clock.set(MONDAY)
    sequence = await _sequence(crm_client)
    ada = await _contact(crm_client, "Ada")
    page = await web_client.get(f"/automation/sequences/{sequence['id']}")
    assert page.status_code == 200 and "No contacts you may see are enrolled" in page.text
    enrolled = await web_client.post(f"/automation/sequences/{sequence['id']}/enrol", data={
        "_csrf_token": web_client.csrf(page.text), "contact_id": str(ada)})
    assert enrolled.status_code == 303
    await crm_run_jobs()
    page = await web_client.get(f"/automation/sequences/{sequence['id']}")
    assert "Ada" in page.text and "2. Call task: Call {{ contact.given_name }}" in page.text
    wrong = await web_client.post(f"/automation/sequences/{sequence['id']}/enrol", data={
        "_csrf_token": web_client.csrf(page.text), "contact_id": "999999"})
    assert wrong.status_code == 422 and "no contact you may see has the id 999999" in wrong.text
    listing = await web_client.get("/automation/sequences")
    assert "Outreach" in listing.text
    hidden = await crm_member_client.get(f"/api/v1/automation/sequences/{sequence['id']}/enrolments")
    assert hidden.status_code == 200 and hidden.json()["items"] == [] and "Ada" not in hidden.text


async def test_a_wrong_sequence_is_a_422_naming_each_part(crm_client):
    response = await crm_client.post("/api/v1/automation/sequences", json={
        "name": "", "colour": "red", "stop_on": ["NoSuchEvent"],
        "steps": [{"type": "fax", "delay_days": -1, "subject": "x"}, {"type": "email", "subject": "{{ oops"}]})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"] == "is required, at most 200 characters"
    assert errors["colour"].startswith("is not a field here")
    assert errors["steps[0].type"] == "is one of email, call, linkedin, task"
    assert errors["steps[0].delay_days"] == "must be a whole number of days from 0 to 365"
    assert errors["steps[1].body"] == "is required" and "steps[1].subject" in errors
    assert errors["stop_on"].startswith("must be a list of events")
    assert (await crm_client.get("/api/v1/automation/sequences")).json() == []
