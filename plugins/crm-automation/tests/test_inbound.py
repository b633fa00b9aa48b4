"""Inbound webhooks: signed messages start workflows; a bad signature and a replay are refused."""

from __future__ import annotations

import json
import time

from crm_automation import signing


async def test_a_signed_message_triggers_a_workflow_and_its_replay_is_refused(
    crm_client, make_workflow, crm_run_jobs, runs_of
):
    hook = (await crm_client.post("/api/v1/automation/inbound", json={"name": "Shop orders"})).json()
    workflow = await make_workflow(name="Order received", trigger={"event": "InboundWebhookReceived"},
                                   steps=[{"action": "automation.notify", "user": "actor",
                                           "subject": "Order {{ event.payload.order }} arrived"}])
    body = json.dumps({"order": "A-17"}).encode()
    headers = signing.headers([hook["secret"]], "msg_order_17", int(time.time()), body)
    url = f"/api/v1/automation/inbound/{hook['id']}/messages"

    accepted = await crm_client.post(url, content=body, headers=headers)
    assert accepted.status_code == 202, accepted.text
    replayed = await crm_client.post(url, content=body, headers=headers)
    assert replayed.status_code == 409 and "replay" in replayed.text
    forged = await crm_client.post(url, content=b'{"order": "B-1"}', headers=headers | {"webhook-id": "msg_2"})
    assert forged.status_code == 422 and "webhook-signature" in forged.json()["errors"]
    await crm_run_jobs()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "done" and run["event"] == "InboundWebhookReceived"
    assert "Order A-17 arrived" in (await crm_client.get("/api/v1/notifications")).text
