"""The job ledger: one row per enqueued run, so a run lost half-way is found and run again.

huey removes a task from its queue when a worker takes it, so a worker killed mid-job loses
the task. The ledger remembers it: a run still ``running`` after its lease, or ``queued`` and
never taken, is handed to huey again. Claiming a run is one guarded ``UPDATE``, so two
copies of one task never both run it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from crm_platform.clock import now as _now
from crm_platform.jobs.tables import JobRun

MAX_ATTEMPTS = 3
CLAIMABLE = ("queued", "failed")
KEEP_DONE_DAYS = 7


@dataclass(frozen=True)
class Claim:
    key: str
    job_name: str
    kwargs: dict[str, Any]
    attempts: int


def run_key(job_name: str, kwargs: dict[str, Any]) -> str:
    """The default key: the job and its arguments, so enqueueing the same work twice is one run."""
    return f"{job_name}:{json.dumps(kwargs, sort_keys=True, separators=(',', ':'))}"[:200]


async def record(key: str, job_name: str, kwargs: dict[str, Any]) -> bool:
    """Write the run; ``False`` when a run with this key was enqueued before."""
    inserted = await JobRun.insert(
        JobRun(key=key, job_name=job_name, kwargs=json.dumps(kwargs), state="queued", enqueued_at=_now())
    ).on_conflict(target=JobRun.key, action="DO NOTHING").returning(JobRun.id)
    return bool(inserted)


async def claim(key: str) -> Claim | None:
    """Mark the run ``running``; ``None`` when it is done, running elsewhere, or out of attempts."""
    rows = await JobRun.update(
        {JobRun.state: "running", JobRun.started_at: _now(), JobRun.attempts: JobRun.attempts + 1}
    ).where(
        (JobRun.key == key) & JobRun.state.is_in(list(CLAIMABLE)) & (JobRun.attempts < MAX_ATTEMPTS)
    ).returning(JobRun.key, JobRun.job_name, JobRun.kwargs, JobRun.attempts)
    if not rows:
        return None
    row = rows[0]
    kwargs = row["kwargs"] if isinstance(row["kwargs"], dict) else json.loads(row["kwargs"] or "{}")
    return Claim(row["key"], row["job_name"], kwargs, row["attempts"])


async def finish(key: str) -> None:
    await JobRun.update({JobRun.state: "done", JobRun.finished_at: _now(), JobRun.error: ""}).where(
        JobRun.key == key
    )


async def fail(key: str, error: str) -> None:
    await JobRun.update({JobRun.state: "failed", JobRun.finished_at: _now(), JobRun.error: error[:2000]}).where(
        JobRun.key == key
    )


async def stalled(lease_seconds: int) -> list[str]:
    """Runs to hand to huey again: ``running`` past the lease (their worker died), or
    ``queued`` for longer than the lease (their task was lost). Both are queued afresh."""
    now = _now()
    cutoff = now - dt.timedelta(seconds=lease_seconds)
    died = await JobRun.update({JobRun.state: "queued", JobRun.enqueued_at: now}).where(
        (JobRun.state == "running") & (JobRun.started_at < cutoff)
    ).returning(JobRun.key)
    lost = await JobRun.update({JobRun.enqueued_at: now}).where(
        (JobRun.state == "queued") & (JobRun.enqueued_at < cutoff)
    ).returning(JobRun.key)
    return sorted({row["key"] for row in [*died, *lost]})


async def prune(keep_days: int = KEEP_DONE_DAYS) -> None:
    """Forget finished runs after a while; periodic jobs write one every time they fire."""
    cutoff = _now() - dt.timedelta(days=keep_days)
    await JobRun.delete().where((JobRun.state == "done") & (JobRun.finished_at < cutoff))


async def waiting() -> list[str]:
    """Runs a worker would take now: queued, or failed with attempts left (huey retries
    those), oldest first."""
    rows = await JobRun.select(JobRun.key).where(
        JobRun.state.is_in(list(CLAIMABLE)) & (JobRun.attempts < MAX_ATTEMPTS)
    ).order_by(JobRun.id)
    return [row["key"] for row in rows]


async def state_of(key: str) -> dict[str, Any] | None:
    return await JobRun.select().where(JobRun.key == key).first()
