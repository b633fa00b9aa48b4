"""Lead scoring: rules add points to the contacts meeting them, the contact page says why, and
a score crossing a threshold moves the lead on through a workflow. Points may fade with a
half-life from when the contact began to meet the rule; a nightly job keeps them current."""

from __future__ import annotations

import datetime as dt

from crm_automation import rescoring, scoring

MONDAY = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
DIRECTOR = {"all": [{"field": "job_title", "op": "contains", "value": "director"}]}


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
    assert [(item["rule"], item["points"]) for item in score["why"]] == [("Decision maker", 20), ("Has an email", 10)]
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


async def _rule(client, **fields) -> dict:
    response = await client.post("/api/v1/automation/score-rules", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


async def _score(client, contact_id: int) -> dict:
    response = await client.get(f"/api/v1/automation/scores/{contact_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def test_fading_points_halve_every_half_life_from_when_the_contact_began_to_meet_the_rule(
        crm_client, web_client, crm_clock):
    crm_clock.set(MONDAY)
    rule = await _rule(crm_client, name="Director", points=40, half_life_days=10, conditions=DIRECTOR)
    assert rule["half_life_days"] == 10
    assert (await crm_client.get("/api/v1/automation/score-rules")).json()[0]["half_life_days"] == 10
    await _rule(crm_client, name="Has a title", points=5, conditions={"all": [{"field": "job_title", "op": "not_empty"}]})
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "job_title": "Director"})).json()
    assert (await _score(crm_client, contact["id"]))["score"] == 45

    crm_clock.advance(days=10)  # one half-life: round(40 * 0.5) = 20
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"family_name": "Lovelace"})
    found = await _score(crm_client, contact["id"])
    assert found["score"] == 25
    director = found["why"][0]
    assert (director["rule"], director["points"], director["full_points"]) == ("Director", 20, 40)
    assert director["since"].startswith("2030-03-04T09:00")
    page = await web_client.get(f"/contacts/{contact['id']}")
    assert "Director (+20 of +40, since 2030-03-04, half-life 10 days), Has a title (+5)" in page.text

    crm_clock.advance(days=15)  # 25 days: round(40 * 0.5 ** 2.5) = round(7.07) = 7
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"family_name": "King"})
    assert [item["points"] for item in (await _score(crm_client, contact["id"]))["why"]] == [7, 5]


async def test_a_contact_that_stops_meeting_a_rule_loses_its_anchor_and_starts_afresh(crm_client, crm_clock):
    crm_clock.set(MONDAY)
    await _rule(crm_client, name="Director", points=40, half_life_days=10, conditions=DIRECTOR)
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "job_title": "Director"})).json()
    crm_clock.advance(days=20)
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"job_title": "Engineer"})
    found = await _score(crm_client, contact["id"])
    assert (found["score"], found["why"]) == (0, [])

    crm_clock.advance(days=1)  # meeting the rule again is a new start, with the full points
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"job_title": "Sales Director"})
    [director] = (await _score(crm_client, contact["id"]))["why"]
    assert director["points"] == 40 and director["since"].startswith("2030-03-25T09:00")


async def test_the_nightly_job_fades_scores_and_a_threshold_workflow_fires(
        crm_client, crm_clock, crm_run_jobs, make_workflow, runs_of):
    crm_clock.set(MONDAY)
    await _rule(crm_client, name="Director", points=40, half_life_days=10, conditions=DIRECTOR)
    await _rule(crm_client, name="Has a title", points=5, conditions={"all": [{"field": "job_title", "op": "not_empty"}]})
    hot = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "job_title": "Director",
                                                          "lifecycle_stage": "prospect"})).json()
    steady = (await crm_client.post("/api/v1/contacts", json={"given_name": "Bob", "job_title": "Engineer"})).json()
    await crm_run_jobs()
    workflow = await make_workflow(
        name="Cooled leads go back to lead", trigger={"event": "LeadScoreChanged"},
        conditions={"all": [{"field": "lifecycle_stage", "op": "eq", "value": "prospect"}]},
        steps=[{"action": "automation.set_field", "field": "lifecycle_stage", "value": "lead"}])

    crm_clock.set(dt.datetime(2030, 3, 24, 2, 30, tzinfo=dt.UTC))  # 19 days 17.5 hours on, at the job's minute
    outcomes = await crm_run_jobs()
    assert any(outcome.job_name == "automation.rescore" and outcome.ok for outcome in outcomes)
    assert (await _score(crm_client, hot["id"]))["score"] == 15  # round(40 * 0.5 ** 1.97) + 5
    assert (await _score(crm_client, steady["id"]))["score"] == 5
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done" and run["record_id"] == hot["id"]
    assert (await crm_client.get(f"/api/v1/contacts/{hot['id']}")).json()["lifecycle_stage"] == "lead"

    # The same night again moves nothing, so no second run.
    assert await rescoring.rescore_decaying() == 1
    await crm_run_jobs()
    assert len(await runs_of(workflow["id"])) == 1


async def test_the_nightly_job_rescores_in_batches_and_stops_visiting_points_faded_to_nothing(crm_client, crm_clock):
    crm_clock.set(MONDAY)
    await _rule(crm_client, name="Director", points=3, half_life_days=1, conditions=DIRECTOR)
    ids = [(await crm_client.post("/api/v1/contacts", json={"given_name": f"D{n}", "job_title": "Director"})).json()["id"]
           for n in range(5)]
    crm_clock.advance(days=1)
    after, seen = 0, 0
    while (done := await rescoring.rescore_batch(after, await scoring.rules(), batch=2)):
        after, seen = done[0], seen + done[1]
    assert seen == 5
    assert [(await _score(crm_client, i))["score"] for i in ids] == [2] * 5  # round(1.5) rounds to even
    crm_clock.advance(days=5)
    assert await rescoring.rescore_decaying() == 5
    assert [(await _score(crm_client, i))["score"] for i in ids] == [0] * 5
    assert await rescoring.rescore_decaying() == 0  # nothing is fading any more


async def test_a_bad_half_life_is_a_422_naming_it(crm_client):
    for bad in (0, 3651, 2.5, "30", True):
        response = await crm_client.post("/api/v1/automation/score-rules", json={
            "name": "Fades", "points": 10, "half_life_days": bad, "conditions": DIRECTOR})
        assert response.status_code == 422, bad
        assert set(response.json()["errors"]) == {"half_life_days"}
    assert (await crm_client.get("/api/v1/automation/score-rules")).json() == []


async def test_the_night_drops_the_points_of_a_deleted_rule(crm_client, crm_clock):
    crm_clock.set(MONDAY)
    fading = await _rule(crm_client, name="Director", points=40, half_life_days=10, conditions=DIRECTOR)
    await _rule(crm_client, name="Also director", points=8, half_life_days=10, conditions=DIRECTOR)
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "job_title": "Director"})).json()
    assert (await crm_client.delete(f"/api/v1/automation/score-rules/{fading['id']}")).status_code == 204
    crm_clock.advance(days=10)
    await rescoring.rescore_decaying()
    found = await _score(crm_client, contact["id"])
    assert (found["score"], [item["rule"] for item in found["why"]]) == (4, ["Also director"])
