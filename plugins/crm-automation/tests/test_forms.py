"""Web-to-lead forms: a visitor who does not sign in fills in the hosted page; the contact is
made, or updated when the email is known, and workflows start on ``FormSubmitted``; robots
(the honeypot), floods (the rate limit), oversize and forged (CSRF) posts are turned away."""

from __future__ import annotations

import re

import pytest

from crm_platform.testing import client_for

FIELDS = [{"label": "Your email", "maps_to": "email"}, {"label": "First name", "maps_to": "given_name", "required": True},
          {"label": "Company role", "maps_to": "job_title"}]


def _token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


async def _contacts(crm_client) -> list[dict]:
    return (await crm_client.get("/api/v1/contacts", params={"limit": 200})).json()["items"]


@pytest.mark.postgres
async def test_a_visitor_submits_a_form_and_the_contact_is_made_then_updated(crm_client, crm_running_app,
                                                                               make_workflow, crm_run_jobs, runs_of):
    response = await crm_client.post("/api/v1/automation/forms", json={"name": "Newsletter", "tag": "web-lead",
                                                                        "fields": FIELDS})
    assert response.status_code == 201, response.text
    form = response.json()
    workflow = await make_workflow(name="Welcome web leads", trigger={"event": "FormSubmitted"},
                                   steps=[{"action": "automation.add_tag", "tag": "welcomed"}])
    async with client_for(crm_running_app) as visitor:
        page = await visitor.get(form["url"])
        assert page.status_code == 200 and "Company role" in page.text
        token = _token(page.text)
        sent = await visitor.post(form["url"], data={"_csrf_token": token, "f0": "Ann@Example.com", "f1": "Ann",
                                                     "f2": "Buyer", "website": ""})
        assert sent.status_code == 200 and "Thank you" in sent.text
        again = await visitor.post(form["url"], data={"_csrf_token": token, "f0": "ann@example.com", "f1": "Annie",
                                                      "f2": "", "website": ""})
        assert again.status_code == 200
        robot = await visitor.post(form["url"], data={"_csrf_token": token, "f0": "bot@example.com", "f1": "Bot",
                                                      "website": "http://spam.example"})
        assert robot.status_code == 200 and "Thank you" in robot.text
        missing = await visitor.post(form["url"], data={"_csrf_token": token, "f0": "cy@example.com", "f1": ""})
        assert missing.status_code == 422 and "First name: is required" in missing.text
        forged = await visitor.post(form["url"], data={"f0": "eve@example.com", "f1": "Eve"})
        assert forged.status_code == 403
        huge = await visitor.post(form["url"], data={"_csrf_token": token, "f0": "big@example.com",
                                                     "f1": "x" * 20_000})
        assert huge.status_code == 413
    [contact] = await _contacts(crm_client)
    assert contact["given_name"] == "Annie" and contact["job_title"] == "Buyer"
    assert contact["primary_email"] == "ann@example.com" and "web-lead" in contact["tags"]
    await crm_run_jobs()
    runs = await runs_of(workflow["id"])
    assert [run["state"] for run in runs] == ["done", "done"]
    assert "welcomed" in (await _contacts(crm_client))[0]["tags"]


async def test_a_flood_from_one_address_is_stopped(crm_client, crm_running_app):
    form = (await crm_client.post("/api/v1/automation/forms", json={"name": "Flood", "fields": FIELDS})).json()
    async with client_for(crm_running_app) as visitor:
        token = _token((await visitor.get(form["url"])).text)
        statuses = [(await visitor.post(form["url"], data={"_csrf_token": token, "f0": f"p{n}@example.com",
                                                            "f1": "P"})).status_code for n in range(11)]
    assert statuses == [200] * 10 + [429]


async def test_a_form_without_an_email_or_with_unknown_fields_is_a_422(crm_client):
    response = await crm_client.post("/api/v1/automation/forms", json={
        "name": "", "fields": [{"label": "Shoe", "maps_to": "shoe_size"}]})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"name", "fields", "fields[0].maps_to"}
    assert (await crm_client.get("/automation/public/forms/nope")).status_code in (401, 404)


@pytest.mark.postgres
async def test_a_ticked_consent_box_is_written_to_the_contacts_consent_ledger(crm_client, crm_running_app):
    fields = [*FIELDS, {"label": "Send me the monthly newsletter", "maps_to": "consent.newsletter"},
              {"label": "I accept the terms", "maps_to": "consent.terms", "required": True}]
    form = (await crm_client.post("/api/v1/automation/forms", json={"name": "Spring fair", "fields": fields})).json()
    async with client_for(crm_running_app) as visitor:
        page = await visitor.get(form["url"])
        assert 'type="checkbox"' in page.text and "Send me the monthly newsletter" in page.text
        refused = await visitor.post(form["url"], data={"_csrf_token": _token(page.text), "f0": "eve@example.com",
                                                        "f1": "Eve", "f3": "yes"})
        assert refused.status_code == 422 and "I accept the terms: tick the box to send the form" in refused.text
        assert await _contacts(crm_client) == []
        sent = await visitor.post(form["url"], data={"_csrf_token": _token(page.text), "f0": "eve@example.com",
                                                     "f1": "Eve", "f3": "yes", "f4": "yes"})
        assert sent.status_code == 200 and "Thank you" in sent.text
        again = await visitor.post(form["url"], data={"_csrf_token": _token(page.text), "f0": "eve@example.com",
                                                      "f1": "Eve", "f4": "yes"})
        assert again.status_code == 200
    [contact] = await _contacts(crm_client)
    ledger = (await crm_client.get(f"/api/v1/contacts/{contact['id']}/consents")).json()
    assert sorted((row["purpose"], row["channel"], row["source"], row["text_version"]) for row in ledger["items"]) == [
        ("newsletter", "email", "web form Spring fair", "Send me the monthly newsletter"),
        ("terms", "email", "web form Spring fair", "I accept the terms"),
        ("terms", "email", "web form Spring fair", "I accept the terms"),
    ]
    assert all(row["granted"] for row in ledger["current"])
