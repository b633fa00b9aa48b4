"""What an operator watches: /ready, the Prometheus metrics, and log lines with request ids."""

from __future__ import annotations

import dataclasses
import io
import json
import logging

import pytest

from crm_platform import runtime, toolkit
from crm_platform.db.raw import execute, fetch
from crm_platform.jobs.runner import current_queue
from crm_platform.jobs.runner import execute as run_ledger_entry
from crm_platform.operations import logs
from crm_platform.testing import _free_port, client_for


@pytest.fixture
def crm_plugins():
    return ["jobprobe"]


async def test_ready_answers_everyone_when_database_queue_and_migrations_are_ready(crm_anonymous_client):
    response = await crm_anonymous_client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "queue": "ok", "migrations": "ok"}


async def test_ready_is_a_503_naming_a_migration_that_has_not_run(crm_anonymous_client):
    [ran] = await fetch("SELECT name, app_name, ran_on FROM migration WHERE app_name = 'jobprobe'")
    await execute("DELETE FROM migration WHERE app_name = 'jobprobe'")
    try:
        response = await crm_anonymous_client.get("/ready")
    finally:  # the session's PostgreSQL database is migrated once for every test that follows
        await execute("INSERT INTO migration (name, app_name, ran_on) VALUES ({}, {}, {})",
                      ran["name"], ran["app_name"], ran["ran_on"])
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready" and body["database"] == "ok"
    assert body["migrations"].startswith("1 pending (jobprobe ") and body["migrations"].endswith("run crm migrate")


async def test_ready_is_a_503_when_the_job_queue_does_not_answer(crm_anonymous_client):
    rt = runtime.current()
    nowhere = f"redis://127.0.0.1:{_free_port()}/0"
    runtime.install(dataclasses.replace(rt, settings=dataclasses.replace(rt.settings, jobs_url=nowhere)))
    try:
        response = await crm_anonymous_client.get("/ready")
    finally:
        runtime.install(rt)
    assert response.status_code == 503
    assert response.json()["queue"].startswith("unreachable: ConnectionError")


async def test_metrics_are_for_admins_only(crm_anonymous_client, crm_member_client, crm_client):
    assert (await crm_anonymous_client.get("/metrics")).status_code == 401
    refused = await crm_member_client.get("/metrics")
    assert refused.status_code == 403 and refused.json()["detail"] == "only admins can read the metrics"
    assert (await crm_client.get("/metrics")).status_code == 200


async def test_metrics_time_each_route_and_count_its_statements(crm_client):
    created = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})
    await crm_client.get(f"/api/v1/contacts/{created.json()['id']}")
    text = (await crm_client.get("/metrics")).text
    route = 'method="GET",route="/api/v1/contacts/{contact_id}"'
    assert f"crm_request_duration_seconds_count{{{route}}}" in text
    assert f'crm_request_statements_bucket{{le="3.0",{route}}}' in text
    statements = next(line for line in text.splitlines() if line.startswith(f"crm_request_statements_sum{{{route}}}"))
    assert float(statements.rsplit(" ", 1)[1]) >= 1
    assert "crm_jobs_waiting" in text


async def test_metrics_count_job_outcomes(crm_client, crm_run_jobs):
    await toolkit.enqueue("jobprobe.refuse_item", item_id=41)
    await toolkit.enqueue("jobprobe.record_item", item_id=42)
    await crm_run_jobs()
    text = (await crm_client.get("/metrics")).text
    assert 'crm_jobs_total{job="jobprobe.refuse_item",outcome="failed"}' in text
    assert 'crm_jobs_total{job="jobprobe.record_item",outcome="done"}' in text


async def test_each_answer_carries_a_request_id_and_keeps_a_plain_one_it_was_given(crm_running_app, crm_admin):
    async with client_for(crm_running_app, crm_admin[1]) as client:
        made_up = (await client.get("/health")).headers["x-request-id"]
        assert len(made_up) == 32
        assert (await client.get("/health", headers={"X-Request-ID": "lb-7f3a"})).headers["x-request-id"] == "lb-7f3a"
        odd = (await client.get("/health", headers={"X-Request-ID": "a b\x7f"})).headers["x-request-id"]
        assert odd != "a b\x7f" and len(odd) == 32


async def test_a_job_logs_with_the_id_of_the_request_that_enqueued_it(crm_app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestIdFilter())
    handler.setFormatter(logs.JsonFormatter())
    logging.getLogger("crm.jobs").addHandler(handler)
    token = logs.request_id.set("req-1234")
    try:
        key = await toolkit.enqueue("jobprobe.refuse_item", item_id=7)
    finally:
        logs.request_id.reset(token)
    try:
        task = current_queue().huey.dequeue()
        assert task.args == (key, "req-1234")
        with pytest.raises(RuntimeError, match="refused on purpose"):
            await run_ledger_entry(*task.args)  # as the worker runs it
    finally:
        logging.getLogger("crm.jobs").removeHandler(handler)
    [line] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert (line["level"], line["logger"], line["request_id"]) == ("ERROR", "crm.jobs", "req-1234")
    assert line["message"].startswith(f"job {key} failed") and "refused on purpose" in line["exception"]


def test_the_log_format_is_text_or_json() -> None:
    with pytest.raises(ValueError, match="CRM_LOG_FORMAT: 'xml' is neither 'text' nor 'json'"):
        logs.configure("xml")
