"""Lead scoring: rules add points to the contacts meeting them, the contact page says why, and
a score crossing a threshold moves the lead on through a workflow."""

from __future__ import annotations


async def test_a_contacts_score_says_which_rules_made_it_and_a_threshold_promotes_the_lead(
    crm_client, web_client, make_workflow, crm_run_jobs
):
    for rule in ({"name": "Decision maker", "points": 20,
                  "conditions": {"all": [{"field": "job_title", "op": "contains", "value": "director"}]}},
                 {"name": "Has an email", "points": 10, "conditions": {"all": [{"field": "primary_email",
                                                                                 "op": "not_empty"}]}},
                 {"name": "Competitor", "points": -50, "conditions": {"all": [{"field": "tags", "op": "contains",
                                                                               "value": "competitor"}]}}):
        assert (await crm_client.post("/api/v1/automation/score-rules", json=rule)).status_code == 201
    await make_workflow(name="Hot leads become prospects",
                        trigger={"event": "LeadScoreChanged"},
                        conditions={"all": [{"field": "lifecycle_stage", "op": "eq", "value": "lead"}]},
                        steps=[{"action": "automation.set_field", "field": "lifecycle_stage", "value": "prospect"}])
    contact = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Grace", "job_title": "Sales Director", "emails": [{"address": "grace@example.com"}]})).json()
    score = (await crm_client.get(f"/api/v1/automation/scores/{contact['id']}")).json()
    assert score["score"] == 30
    assert score["why"] == [{"rule": "Decision maker", "points": 20}, {"rule": "Has an email", "points": 10}]
    page = await web_client.get(f"/contacts/{contact['id']}")
    assert "Lead score" in page.text and "Decision maker (+20), Has an email (+10)" in page.text

    await crm_run_jobs()
    assert (await crm_client.get(f"/api/v1/contacts/{contact['id']}")).json()["lifecycle_stage"] == "prospect"
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"tags": ["competitor"]})
    assert (await crm_client.get(f"/api/v1/automation/scores/{contact['id']}")).json()["score"] == -20


async def test_a_bad_rule_is_a_422_naming_what_is_wrong(crm_client):
    response = await crm_client.post("/api/v1/automation/score-rules", json={
        "name": "", "points": 5000, "conditions": {"all": [{"field": "x", "op": "near"}]}})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"name", "points", "conditions.all[0].op"}
