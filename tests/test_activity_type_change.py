"""An activity's kind changes through the API within its sort: an activity stays an activity,
a task a task."""

from __future__ import annotations


async def test_an_activity_changes_to_another_activity_type(crm_client):
    call = (await crm_client.post("/api/v1/activities", json={"type": "call", "subject": "Intro"})).json()
    response = await crm_client.patch(f"/api/v1/activities/{call['id']}", json={"type": "meeting"})
    assert response.status_code == 200, response.text
    assert response.json()["type"] == "meeting"


async def test_an_activity_does_not_become_a_task_nor_an_unknown_type(crm_client):
    call = (await crm_client.post("/api/v1/activities", json={"type": "call", "subject": "Intro"})).json()
    to_task = await crm_client.patch(f"/api/v1/activities/{call['id']}", json={"type": "follow_up"})
    assert to_task.status_code == 422
    assert to_task.json()["errors"] == {"type": "an activity stays an activity: choose another type of activity"}
    unknown = await crm_client.patch(f"/api/v1/activities/{call['id']}", json={"type": "telepathy"})
    assert unknown.status_code == 422 and "unknown activity type 'telepathy'" in unknown.json()["errors"]["type"]
    assert (await crm_client.get(f"/api/v1/activities/{call['id']}")).json()["type"] == "call"
