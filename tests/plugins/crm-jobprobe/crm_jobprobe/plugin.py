"""A job in two halves: it records the attempt, may pause (so a test can kill its worker),
then records its effect once, however often it runs; one that always fails; and a scheduled
plain-function job that notes the moment it ran."""

from __future__ import annotations

import asyncio
import datetime as dt
import os

from crm_hookspecs import DatabaseApp, Job, hookimpl

from crm_platform import toolkit

# Seconds to pause between the two halves; a test sets it for the worker it means to kill.
PAUSE_VARIABLE = "JOBPROBE_PAUSE_SECONDS"
NIGHTLY_SCHEDULE = "30 2 * * *"
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
