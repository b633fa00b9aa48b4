"""The builder and the workflow pages, as a browser-like client sees them."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.postgres


def _builder_form(csrf: str, **extra: str) -> dict[str, object]:
    return {
        "_csrf_token": csrf, "name": "New lead welcome", "trigger_event": "RecordCreated", "trigger_kind": "contact",
        "match": "all", "cond_field": ["lifecycle_stage"], "cond_op": ["eq"], "cond_value": ["lead"],
        "step": ["0"], "step0_action": "automation.create_task", "step0_subject": "Call {{ record.given_name }}",
        "step0_assignee": "owner", "step0_due_in_business_days": "2", **extra,
    }


async def test_a_workflow_is_built_in_the_form_switched_on_and_off_and_tried(web_client, crm_client):
    page = await web_client.get("/automation/new")
    assert page.status_code == 200 and "Add step" in page.text
    fragment = await web_client.get("/automation/builder/step", params={"action": "automation.send_email", "index": 1})
    assert 'name="step1_subject"' in fragment.text and 'value="2"' in fragment.text  # the next index, out of band

    created = await web_client.post("/automation/new", data=_builder_form(web_client.csrf(page.text)))
    assert created.status_code == 303
    workflow_url = created.headers["location"]
    workflow_id = int(workflow_url.rsplit("/", 1)[1])
    stored = (await crm_client.get(f"/api/v1/automation/workflows/{workflow_id}")).json()
    assert stored["conditions"] == {"all": [{"field": "lifecycle_stage", "op": "eq", "value": "lead"}]}
    assert stored["steps"] == [{"action": "automation.create_task", "subject": "Call {{ record.given_name }}",
                                "assignee": "owner", "due_in_business_days": 2}]

    shown = await web_client.get(workflow_url)
    assert "Off" in shown.text and "lifecycle_stage eq lead" in shown.text
    switched = await web_client.post(f"{workflow_url}/switch", data={"_csrf_token": web_client.csrf(shown.text),
                                                                    "enabled": "on"})
    assert switched.status_code == 303
    assert (await crm_client.get(f"/api/v1/automation/workflows/{workflow_id}")).json()["enabled"] is True
    shown = await web_client.get(workflow_url)
    await web_client.post(f"{workflow_url}/switch", data={"_csrf_token": web_client.csrf(shown.text), "enabled": "off"})
    after = (await crm_client.get(f"/api/v1/automation/workflows/{workflow_id}")).json()
    assert after["enabled"] is False and after["steps"] == stored["steps"]

    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Dora"})).json()
    shown = await web_client.get(workflow_url)
    tried = await web_client.post(f"{workflow_url}/dry-run", data={
        "_csrf_token": web_client.csrf(shown.text), "kind": "contact", "record_id": str(contact["id"])})
    assert tried.status_code == 200 and "Dry run: nothing was changed" in tried.text
    assert "create task &#39;Call Dora&#39;" in tried.text or "create task 'Call Dora'" in tried.text


async def test_a_wrong_form_is_a_422_that_names_what_is_wrong_and_keeps_the_input(web_client):
    page = await web_client.get("/automation/new")
    response = await web_client.post("/automation/new", data=_builder_form(
        web_client.csrf(page.text), trigger_event="NoSuchEvent", cond_op=["bogus"], step0_subject="{{ record."))
    assert response.status_code == 422
    assert "unknown event &#39;NoSuchEvent&#39;" in response.text
    assert "unknown operator &#39;bogus&#39;" in response.text
    assert "is not a valid template" in response.text
    assert re.search(r'name="name" type="text" value="New lead welcome"', response.text)


async def test_a_form_without_conditions_or_steps_is_a_422_asking_for_a_step(web_client):
    page = await web_client.get("/automation/new")
    response = await web_client.post("/automation/new", data={
        "_csrf_token": web_client.csrf(page.text), "name": "Empty", "trigger_event": "RecordCreated"})
    assert response.status_code == 422 and "a workflow needs at least one step" in response.text


async def test_members_see_workflows_but_cannot_build_them(crm_client, make_workflow, crm_member, sign_in):
    workflow = await make_workflow(name="Visible to the team", trigger={"event": "RecordCreated", "kind": "contact"},
                                   steps=[{"action": "automation.add_tag", "tag": "new"}])
    async with sign_in(crm_member[0].email) as member:
        assert (await member.get("/automation/")).status_code == 200
        assert (await member.get(f"/automation/workflows/{workflow['id']}")).status_code == 200
        assert (await member.get("/automation/new")).status_code == 403


async def test_a_run_shows_on_the_contacts_page_timeline(web_client, crm_client, make_workflow, crm_run_jobs):
    await make_workflow(name="Greeter", trigger={"event": "RecordCreated", "kind": "contact"},
                        steps=[{"action": "automation.add_tag", "tag": "greeted"}])
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Tim"})).json()
    await crm_run_jobs()
    page = await web_client.get(f"/contacts/{contact['id']}")
    assert page.status_code == 200 and "Workflow “Greeter” (v1): done" in page.text
