"""Exactly once: a real ``crm worker`` killed with SIGKILL in the middle of a run leaves the
steps it finished done, and the next worker finishes the run without doing them again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CRM = str(Path(sys.executable).parent / "crm")


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["automation", "probe"]


def _worker(tmp_path: Path, crm_settings, **extra: str) -> subprocess.Popen:
    environment = {**os.environ, "CRM_DATABASE_URL": crm_settings.database_url, "CRM_JOBS_URL": crm_settings.jobs_url,
                   "CRM_JOBS_LEASE_SECONDS": "1", **extra}
    log = open(tmp_path / "worker.log", "ab")  # noqa: SIM115 - the worker owns it until it exits
    return subprocess.Popen([CRM, "worker", "--workers", "1"], cwd=tmp_path, env=environment, stdout=log, stderr=log)


async def _wait_for(what: str, check, tmp_path: Path, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            log = (tmp_path / "worker.log").read_text(errors="replace")
            raise AssertionError(f"gave up waiting for {what}; worker log:\n{log[-3000:]}")
        await asyncio.sleep(0.2)


async def test_a_worker_killed_mid_run_resumes_without_doing_a_step_twice(
    crm_client, crm_settings, make_workflow, runs_of, tasks, tmp_path
):
    workflow = await make_workflow(
        name="Three steps", trigger={"event": "RecordCreated", "kind": "contact"},
        steps=[{"action": "automation.create_task", "subject": "First {{ record.given_name }}"},
               {"action": "probe.pause", "note": "the worker dies here"},
               {"action": "automation.create_task", "subject": "Second {{ record.given_name }}"}],
    )
    await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})
    marker = tmp_path / "paused"

    async def paused() -> bool:
        return marker.exists()

    first = _worker(tmp_path, crm_settings, PROBE_PAUSE_SECONDS="300", PROBE_PAUSE_MARKER=str(marker))
    try:
        await _wait_for("the run to reach its second step", paused, tmp_path)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    [run] = await runs_of(workflow["id"])
    assert run["state"] == "running"
    assert [(step["position"], step["state"]) for step in run["steps"]] == [(0, "done")]
    assert sorted(t["subject"] for t in await tasks()) == ["First Ada"]

    await asyncio.sleep(1.5)  # the dead worker's one-second lease runs out

    async def finished() -> bool:
        return (await runs_of(workflow["id"]))[0]["state"] == "done"

    second = _worker(tmp_path, crm_settings, PROBE_PAUSE_MARKER=str(marker))
    try:
        await _wait_for("the run to finish", finished, tmp_path)
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait()
    [run] = await runs_of(workflow["id"])
    assert [(step["position"], step["state"]) for step in run["steps"]] == [(0, "done"), (1, "done"), (2, "done")]
    assert sorted(t["subject"] for t in await tasks()) == ["First Ada", "Second Ada"]
    # The step that was cut off was begun twice and done once.
    assert len(marker.read_text().splitlines()) == 2
