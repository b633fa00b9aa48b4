"""Enqueueing jobs by name with ids, and running one ledger entry to completion."""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

from crm_hookspecs import Job

from crm_platform import runtime
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid
from crm_platform.instance import plugins as plugin_state
from crm_platform.jobs import ledger
from crm_platform.jobs.queue import Queue, TaskBodies, build_queue, cached
from crm_platform.operations import logs, metrics

log = logging.getLogger("crm.jobs")

IdValue = int | str | None


def _job(name: str, *, include_disabled: bool = False) -> Job | None:
    jobs = runtime.current().host.items("crm_jobs", include_disabled=include_disabled)
    return next((job for job in jobs if job.name == name), None)


async def enqueue(job_name: str, *, key: str | None = None, **ids: IdValue) -> str:
    """Queue the job ``job_name`` with keyword ids (never records: the job reads what it needs).

    A coroutine. ``key`` makes the enqueue idempotent: a second enqueue with the same key is
    ignored, whether the first run is waiting, running or done. By default the key is the
    job name and its ids, so the same work enqueued twice runs once. Returns the key.
    Raises ``Invalid`` naming ``job`` when no plugin registers ``job_name``, or naming an id
    whose value is not an int, a str or ``None``.

    Example::

        await enqueue("sales.recalc_forecast", pipeline_id=pipeline.id)
    """
    if _job(job_name, include_disabled=True) is None:
        raise Invalid({"job": f"no job named {job_name!r} is registered"})
    for name, value in ids.items():
        if not isinstance(value, (int, str, type(None))):
            raise Invalid({name: f"jobs take ids, not {type(value).__name__} values"})
    key = key or ledger.run_key(job_name, ids)
    if await ledger.record(key, job_name, ids):
        await _hand_to_worker(key, logs.request_id.get())
    return key


async def _hand_to_worker(key: str, request_id: str | None) -> None:
    # The queue's client blocks (a Redis round trip, an SQL insert): off the event loop.
    queue = current_queue()
    await asyncio.to_thread(queue.run_job, key, request_id)


async def enqueue_on_commit(job_name: str, **ids: IdValue) -> str:
    """Enqueue inside the current unit of work: the run is recorded in its transaction, so it
    exists exactly when the writes it reads do, and reaches the worker once they commit."""
    if _job(job_name, include_disabled=True) is None:
        raise Invalid({"job": f"no job named {job_name!r} is registered"})
    key = ledger.run_key(job_name, ids)
    async with unit_of_work() as work:
        if await ledger.record(key, job_name, ids):
            request_id = logs.request_id.get()
            work.after_commit(lambda: _hand_to_worker(key, request_id))
    return key


async def enqueue_scheduled(job_name: str, key: str) -> str:
    """One firing of a scheduled job; ``key`` names its minute, so it runs once per minute."""
    return await enqueue(job_name, key=key)


async def execute(key: str, request_id: str | None = None) -> None:
    """Run the ledger entry ``key`` if nobody else is running or has run it; its log lines
    carry ``request_id``, the id of the request that enqueued it."""
    token = logs.request_id.set(request_id)
    try:
        await _execute(key)
    finally:
        logs.request_id.reset(token)


async def _execute(key: str) -> None:
    claim = await ledger.claim(key)
    if claim is None:
        return
    await plugin_state.refresh(runtime.current().host)
    job = _job(claim.job_name)
    if job is None:
        await ledger.fail(key, f"no active plugin registers the job {claim.job_name!r}")
        return
    try:
        if inspect.iscoroutinefunction(job.func):
            await job.func(**claim.kwargs)
        else:
            # A plain function runs off the loop, so a slow one does not hold the others up.
            result: Any = await asyncio.to_thread(job.func, **claim.kwargs)
            if inspect.isawaitable(result):
                await result
    except Exception as exc:
        log.exception("job %s failed (attempt %d)", key, claim.attempts)
        await ledger.fail(key, f"{type(exc).__name__}: {exc}")
        metrics.job_finished(claim.job_name, "failed")
        raise  # huey retries it; the ledger allows a few attempts
    await ledger.finish(key)
    metrics.job_finished(claim.job_name, "done")


async def requeue_stalled() -> list[str]:
    """Hand runs whose worker died, or whose task was lost, to the queue again."""
    keys = await ledger.stalled(runtime.current().settings.jobs_lease_seconds)
    await ledger.prune()
    queue = current_queue()
    for key in keys:
        log.warning("job %s stalled; queued again", key)
        queue.run_job(key)
    return keys


TASK_BODIES = TaskBodies(run_job=execute, requeue_stalled=requeue_stalled, enqueue_scheduled=enqueue_scheduled)


def current_queue() -> Queue:
    """The queue of the current runtime, built once, with every plugin's jobs (enabled or
    not: a plugin enabled later must find its periodic tasks there)."""
    rt = runtime.current()
    # Keyed by the host's serial, never by id(): a later runtime can be given a dead one's id.
    return cached(
        rt.host.serial,
        rt.settings.jobs_url,
        lambda: build_queue(rt.settings, rt.host.items("crm_jobs", include_disabled=True), TASK_BODIES),
    )
