"""The durable queue (huey) and the tasks it knows: run a ledger entry, requeue stalled runs,
and one periodic task per scheduled job.

``Settings.jobs_url`` picks the storage: ``sqlite:///path`` (the embedded default),
``redis://...`` or ``postgresql://...`` (for several workers and web processes, on one machine
or many).

This module knows nothing of what a task does: whoever builds the queue hands it the
coroutines its tasks run (:class:`TaskBodies`, from the runner), so the runner may use the
queue without the queue importing the runner.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from crm_hookspecs import Job
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper

from crm_platform import clock
from crm_platform.config import Settings
from crm_platform.jobs import loop
from crm_platform.jobs.schedule import parse_schedule

QUEUE_NAME = "crm"
RUN_TASK = "crm.run_job"
REQUEUE_TASK = "crm.requeue_stalled"
RETRY_DELAY_SECONDS = 10


@dataclass(frozen=True)
class TaskBodies:
    """What the queue's tasks do, each run on the jobs loop."""

    # (ledger key, id of the request that enqueued it)
    run_job: Callable[[str, str | None], Awaitable[Any]]
    requeue_stalled: Callable[[], Awaitable[Any]]
    # (job name, key): enqueue one firing of a scheduled job; the key names its minute.
    enqueue_scheduled: Callable[[str, str], Awaitable[Any]]


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
    if scheme in ("postgresql", "postgres"):
        from crm_platform.jobs.postgres_queue import postgres_huey

        return postgres_huey(QUEUE_NAME, jobs_url)
    raise ValueError(
        f"CRM_JOBS_URL: unsupported scheme {scheme!r}; use sqlite:///path, redis://host:port/db"
        " or postgresql://user@host:port/database"
    )


def scheduled_key(job_name: str) -> str:
    """The ledger key of this minute's firing: a second firing in one minute is the same run."""
    return f"{job_name}@{clock.now().strftime('%Y-%m-%dT%H:%M')}"


def _periodic(bodies: TaskBodies, job_name: str) -> Callable[[], None]:
    def enqueue_this_minute() -> None:
        loop.run(bodies.enqueue_scheduled(job_name, scheduled_key(job_name)))

    return enqueue_this_minute


def build_queue(settings: Settings, jobs: list[Job], bodies: TaskBodies) -> Queue:
    """A huey instance with every task registered; the worker and every enqueuer build the same.

    The schedules were checked when their plugins loaded (a bad one failed its plugin).
    """
    huey = make_huey(settings.jobs_url)

    def run_job(key: str, request_id: str | None = None) -> None:
        loop.run(bodies.run_job(key, request_id))

    def requeue_stalled() -> None:
        loop.run(bodies.requeue_stalled())

    run_task = huey.task(name=RUN_TASK, retries=2, retry_delay=RETRY_DELAY_SECONDS)(run_job)
    huey.periodic_task(crontab(), name=REQUEUE_TASK)(requeue_stalled)
    for job in jobs:
        if job.schedule:
            huey.periodic_task(parse_schedule(job.name, job.schedule), name=f"crm.schedule.{job.name}")(
                _periodic(bodies, job.name)
            )
    return Queue(huey, run_task)


_queues: dict[tuple[int, str], Queue] = {}


def cached(host_serial: int, jobs_url: str, build: Callable[[], Queue]) -> Queue:
    """The queue of one plugin host (its jobs) and queue URL, built once."""
    cache_key = (host_serial, jobs_url)
    if cache_key not in _queues:
        _queues[cache_key] = build()
    return _queues[cache_key]
