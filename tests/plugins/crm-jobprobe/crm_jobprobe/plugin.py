"""A job in two halves: it records the attempt, may pause (so a test can kill its worker),
then records its effect once, however often it runs; one that always fails; a scheduled
plain-function job that notes the moment it ran; and an API answer that takes its time (so a
test can stop a web process while a request is in flight)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

from crm_hookspecs import DatabaseApp, Job, Routes, hookimpl
from litestar import get

from crm_platform import toolkit
from crm_platform.toolkit import CurrentPrincipal

# Seconds to pause between the two halves; a test sets it for the worker it means to kill.
PAUSE_VARIABLE = "JOBPROBE_PAUSE_SECONDS"
NIGHTLY_SCHEDULE = "30 2 * * *"
# GET /api/v1/jobprobe/slow touches this file when it starts, then waits this many seconds.
ANSWER_MARKER_VARIABLE = "JOBPROBE_ANSWER_MARKER"
ANSWER_SECONDS_VARIABLE = "JOBPROBE_ANSWER_SECONDS"
# When the nightly job ran, by the platform's clock (in the process that ran it).
NIGHTLY_RUNS: list[dt.datetime] = []


async def record_item(item_id: int) -> None:
    await toolkit.execute("INSERT INTO jobprobe_attempt (item_id, pid) VALUES ({}, {})", item_id, os.getpid())
    await asyncio.sleep(float(os.environ.get(PAUSE_VARIABLE, "0")))
    await toolkit.execute(
        "INSERT INTO jobprobe_effect (item_id, pid) VALUES ({}, {}) ON CONFLICT (item_id) DO NOTHING",
        item_id,
        os.getpid(),
    )


async def refuse_item(item_id: int) -> None:
    raise RuntimeError(f"item {item_id} is refused on purpose")


def note_nightly_run() -> None:
    # A plain function: the runner calls it in a thread.
    NIGHTLY_RUNS.append(toolkit.now())


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_jobprobe.piccolo_app")]


@hookimpl
def crm_jobs() -> list[Job]:
    return [
        Job("jobprobe.record_item", record_item),
        Job("jobprobe.refuse_item", refuse_item),
        Job("jobprobe.nightly", note_nightly_run, schedule=NIGHTLY_SCHEDULE),
    ]


@get("/slow")
async def slow_answer(principal: CurrentPrincipal) -> dict[str, float]:
    """Says it started (the marker file), waits, then answers how long it waited."""
    seconds = float(os.environ.get(ANSWER_SECONDS_VARIABLE, "0"))
    if marker := os.environ.get(ANSWER_MARKER_VARIABLE):
        Path(marker).touch()
    await asyncio.sleep(seconds)
    return {"waited": seconds}


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes((slow_answer,))]
