"""The durable queue (huey) and the tasks it knows: run a ledger entry, requeue stalled runs,
and one periodic task per scheduled job.

``Settings.jobs_url`` picks the storage: ``sqlite:///path`` (the embedded default) or
``redis://...`` (for several workers and web processes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from crm_hookspecs import Job
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper

from crm_platform import runtime
from crm_platform.config import Settings
from crm_platform.jobs import loop

QUEUE_NAME = "crm"
RUN_TASK = "crm.run_job"
REQUEUE_TASK = "crm.requeue_stalled"
RETRY_DELAY_SECONDS = 10


@dataclass
class Queue:
    huey: Huey
    run_job: TaskWrapper


def make_huey(jobs_url: str) -> Huey:
    scheme = urlparse(jobs_url).scheme
    if scheme == "sqlite":
        path = jobs_url.removeprefix("sqlite:///")
        if not path:
            raise ValueError("CRM_JOBS_URL: sqlite:/// needs a file path, e.g. sqlite:///var/jobs.sqlite3")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=path, results=False)
    if scheme in ("redis", "rediss", "unix"):
        return RedisHuey(QUEUE_NAME, url=jobs_url, results=False)
    raise ValueError(f"CRM_JOBS_URL: unsupported scheme {scheme!r}; use sqlite:///path or redis://host:port/db")


def parse_schedule(job: Job) -> crontab:
    fields = (job.schedule or "").split()
    if len(fields) != 5:
        raise ValueError(f"job {job.name!r}: schedule {job.schedule!r} is not a five-field cron expression")
    minute, hour, day, month, day_of_week = fields
    return crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week)


@dataclass(frozen=True)
class Work:
    """What the queue's tasks do. The runner hands it in, so the queue never imports the runner."""

    execute: Callable[[str], Coroutine[Any, Any, None]]
    requeue_stalled: Callable[[], Coroutine[Any, Any, Any]]
    enqueue: Callable[..., Coroutine[Any, Any, str]]


def _periodic(work: Work, job_name: str) -> Callable[[], None]:
    def enqueue_this_minute() -> None:
        minute = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M")
        loop.run(work.enqueue(job_name, key=f"{job_name}@{minute}"))

    return enqueue_this_minute


def build_queue(settings: Settings, jobs: list[Job], work: Work) -> Queue:
    """A huey instance with every task registered; the worker and every enqueuer build the same."""
    huey = make_huey(settings.jobs_url)

    def run_job(key: str) -> None:
        loop.run(work.execute(key))

    def requeue_stalled() -> None:
        loop.run(work.requeue_stalled())

    task = huey.task(name=RUN_TASK, retries=2, retry_delay=RETRY_DELAY_SECONDS)(run_job)
    huey.periodic_task(crontab(), name=REQUEUE_TASK)(requeue_stalled)
    for job in jobs:
        if job.schedule:
            huey.periodic_task(parse_schedule(job), name=f"crm.schedule.{job.name}")(_periodic(work, job.name))
    return Queue(huey, task)


_queues: dict[tuple[int, str], Queue] = {}


def queue_for(work: Work) -> Queue:
    """The queue of the current runtime, built once (``crm_platform.jobs.runner.current_queue``
    calls it with the runner's work)."""
    rt = runtime.current()
    cache_key = (id(rt), rt.settings.jobs_url)
    if cache_key not in _queues:
        _queues[cache_key] = build_queue(rt.settings, rt.host.items("crm_jobs", include_disabled=True), work)
    return _queues[cache_key]
