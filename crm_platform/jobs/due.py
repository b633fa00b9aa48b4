"""Run, in this process and now, what a worker would run at this minute: each scheduled job
whose schedule matches the clock, then every ledger entry waiting. Tests use it (through
``crm_run_jobs``) to run jobs against their database without a worker process.

It goes through the worker's own steps (the scheduled firing's key, the ledger's claim,
``execute``), so a job behaves here as it does under ``crm worker``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from crm_platform import clock, runtime
from crm_platform.instance import plugins as plugin_state
from crm_platform.jobs import ledger
from crm_platform.jobs.queue import scheduled_key
from crm_platform.jobs.runner import enqueue_scheduled, execute
from crm_platform.jobs.schedule import is_due

# Jobs may enqueue jobs; a chain longer than this is taken for one that never ends.
MAX_ROUNDS = 20


@dataclass(frozen=True)
class JobOutcome:
    """One run: its ledger key, the job, the ids it was given, and how it ended."""

    key: str
    job_name: str
    ids: dict[str, Any] = field(hash=False)
    state: str  # "done", or "failed" with ``error``
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.state == "done"


async def enqueue_scheduled_now() -> list[str]:
    """Enqueue this minute's firing of each active scheduled job that falls in it."""
    host = runtime.current().host
    await plugin_state.refresh(host)
    moment = clock.now()
    return [
        await enqueue_scheduled(job.name, scheduled_key(job.name))
        for job in host.items("crm_jobs")
        if job.schedule and is_due(job.name, job.schedule, moment)
    ]


async def run_due_jobs() -> list[JobOutcome]:
    """Run what is due now and what is waiting, including what those runs enqueue; each run
    at most once per call (a failed one is retried by the next call, as huey would)."""
    await enqueue_scheduled_now()
    outcomes: list[JobOutcome] = []
    tried: set[str] = set()
    for _ in range(MAX_ROUNDS):
        keys = [key for key in await ledger.waiting() if key not in tried]
        if not keys:
            break
        for key in keys:
            tried.add(key)
            try:
                await execute(key)
            except Exception:  # the ledger holds the error, reported below
                pass
            outcomes.append(await _outcome(key))
    return outcomes


async def _outcome(key: str) -> JobOutcome:
    row = await ledger.state_of(key) or {}
    ids = row.get("kwargs") or {}
    if isinstance(ids, str):  # SQLite returns the JSON column as text
        ids = json.loads(ids)
    return JobOutcome(key, row.get("job_name", ""), ids, row.get("state", "missing"), row.get("error") or "")
