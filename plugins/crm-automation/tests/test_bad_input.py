"""Bad definitions are a 422 naming each wrong part; nothing is written."""

from __future__ import annotations


async def test_a_bad_definition_is_a_422_naming_every_wrong_part(crm_client):
    response = await crm_client.post("/api/v1/automation/workflows", json={
        "name": "",
        "trigger": {"event": "DealWon", "field": "stage"},
        "conditions": {"all": [{"field": "owner", "op": "bogus", "value": 1}, {"field": "amount", "op": "between",
                                                                              "value": [1]}]},
        "steps": [{"action": "automation.create_task"}, {"action": "nobody.does_this"},
                  {"action": "automation.wait", "days": 9999}],
    })
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"] == "is required, at most 200 characters"
    assert errors["trigger.field"] == "DealWon cannot be filtered by field"
    assert errors["conditions.all[0].op"].startswith("unknown operator 'bogus'")
    assert errors["conditions.all[1].value"] == "between takes two values [low, high]"
    assert errors["steps[0].subject"] == "is required"
    assert errors["steps[1].action"].startswith("unknown action 'nobody.does_this'")
    assert "steps[2].days" in errors
    assert (await crm_client.get("/api/v1/automation/workflows")).json()["items"] == []


async def test_members_may_read_but_not_build_workflows(crm_member_client):
    assert (await crm_member_client.get("/api/v1/automation/workflows")).status_code == 200
    response = await crm_member_client.post("/api/v1/automation/workflows", json={
        "name": "x", "trigger": {"event": "RecordCreated"}, "steps": [{"action": "automation.add_tag", "tag": "t"}]})
    assert response.status_code == 403 and "automation.manage" in response.text
    assert (await crm_member_client.get("/api/v1/automation/endpoints")).status_code == 403


async def test_a_member_does_not_see_runs_on_records_of_another_team(crm_client, crm_member_client, make_workflow,
                                                                    crm_run_jobs):
    workflow = await make_workflow(name="Tag", trigger={"event": "RecordCreated", "kind": "contact"},
                                   steps=[{"action": "automation.add_tag", "tag": "seen"}])
    await crm_client.post("/api/v1/contacts", json={"given_name": "Secret", "family_name": "Admin-owned"})
    await crm_run_jobs()
    assert len((await crm_client.get(f"/api/v1/automation/workflows/{workflow['id']}/runs")).json()["items"]) == 1
    hidden = await crm_member_client.get(f"/api/v1/automation/workflows/{workflow['id']}/runs")
    assert hidden.status_code == 200 and hidden.json()["items"] == [] and "Secret" not in hidden.text


async def test_odd_bodies_are_refused_without_a_server_error(crm_client, make_workflow):
    workflow = await make_workflow(name="Ok", trigger={"event": "RecordCreated"},
                                   steps=[{"action": "automation.add_tag", "tag": "t"}])
    base = f"/api/v1/automation/workflows/{workflow['id']}"
    deep: dict = {"field": "x", "op": "eq", "value": 1}
    for _ in range(8):
        deep = {"all": [deep]}
    attempts = [
        ("post", "/api/v1/automation/workflows", {"json": ["not", "an", "object"]}),
        ("post", "/api/v1/automation/workflows", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
        ("patch", base, {"json": {"steps": "tag it"}}),
        ("patch", base, {"json": {"conditions": deep}}),
        ("patch", base, {"json": {"trigger": {"event": "RecordCreated", "where": ["stage"]}}}),
        ("post", f"{base}/dry-run", {"json": {"kind": "contact", "record_id": "seven"}}),
        ("post", f"{base}/dry-run", {"json": {"kind": "no.such", "record_id": 1}}),
        ("get", f"{base}/runs?cursor=garbage", {}),
        ("get", f"{base}/runs?limit=5000", {}),
        ("post", "/api/v1/automation/endpoints", {"json": {"name": "x", "url": "http://[::1"}}),
    ]
    for method, url, kwargs in attempts:
        response = await getattr(crm_client, method)(url, **kwargs)
        assert response.status_code in (400, 422), (method, url, response.status_code, response.text)
    unchanged = (await crm_client.get(base)).json()
    assert unchanged["version"] == 1 and unchanged["steps"] == workflow["steps"]


async def test_fields_a_body_does_not_take_are_named_the_same_way_everywhere(crm_client):
    workflow = await crm_client.post("/api/v1/automation/workflows", json={
        "name": "x", "trigger": {"event": "RecordCreated"}, "steps": [{"action": "automation.add_tag", "tag": "t"}],
        "colour": "red", "enabeld": True})
    endpoint = await crm_client.post("/api/v1/automation/endpoints", json={
        "name": "x", "url": "https://example.com/hook", "colour": "red"})
    assert workflow.status_code == endpoint.status_code == 422
    assert set(workflow.json()["errors"]) == {"colour", "enabeld"}
    assert workflow.json()["errors"]["colour"].startswith("is not a field here; the fields are name, description")
    assert endpoint.json()["errors"] == {"colour": "is not a field here; the fields are name, url"}
