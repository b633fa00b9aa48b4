"""Enqueueing jobs by name with ids, and running one ledger entry to completion."""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any

from crm_hookspecs import Job

from crm_platform import runtime
from crm_platform.errors import Invalid
from crm_platform.instance import plugins as plugin_state
from crm_platform.jobs import ledger
from crm_platform.jobs.queue import Queue, Work, queue_for

log = logging.getLogger("crm.jobs")

IdValue = int | str | None


def _job(name: str, *, include_disabled: bool = False) -> Job | None:
    jobs = runtime.current().host.items("crm_jobs", include_disabled=include_disabled)
    return next((job for job in jobs if job.name == name), None)


async def enqueue(job_name: str, *, key: str | None = None, **ids: IdValue) -> str:
    """Queue ``job_name`` with keyword ids (never records: the job reads what it needs).

    ``key`` makes the enqueue idempotent: a second enqueue with the same key is ignored. By
    default the key is the job name and its arguments. Returns the key.
    """
    if _job(job_name, include_disabled=True) is None:
        raise Invalid({"job": f"no job named {job_name!r} is registered"})
    for name, value in ids.items():
        if not isinstance(value, (int, str, type(None))):
            raise Invalid({name: f"jobs take ids, not {type(value).__name__} values"})
    key = key or ledger.run_key(job_name, ids)
    if await ledger.record(key, job_name, ids):
        current_queue().run_job(key)
    return key


async def execute(key: str) -> None:
    """Run the ledger entry ``key`` if nobody else is running or has run it."""
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
        raise  # huey retries it; the ledger allows a few attempts
    await ledger.finish(key)


async def requeue_stalled() -> list[str]:
    """Hand runs whose worker died, or whose task was lost, to the queue again."""
    keys = await ledger.stalled(runtime.current().settings.jobs_lease_seconds)
    await ledger.prune()
    queue = current_queue()
    for key in keys:
        log.warning("job %s stalled; queued again", key)
        queue.run_job(key)
    return keys


def current_queue() -> Queue:
    """The queue of the current runtime, its tasks running this module's functions."""
    return queue_for(_WORK)


_WORK = Work(execute=execute, requeue_stalled=requeue_stalled, enqueue=enqueue)
