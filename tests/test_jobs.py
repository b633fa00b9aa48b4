"""Background jobs: enqueued by id, run once, and run again when their worker is killed; run
in the test's own process with ``crm_run_jobs``, at the moment ``crm_clock`` stands at."""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
import pytest_asyncio
from crm_hookspecs import hookimpl
from crm_hookspecs.events import Event, TaskDue
from crm_jobprobe.plugin import NIGHTLY_RUNS

from crm_platform import runtime, toolkit
from crm_platform.activities.tables import Activity
from crm_platform.app import setup_runtime
from crm_platform.config import Settings
from crm_platform.db.engine import PostgresEngine
from crm_platform.db.raw import execute as execute_sql
from crm_platform.db.raw import fetch
from crm_platform.errors import Invalid
from crm_platform.instance import plugins as plugin_state
from crm_platform.jobs import queue
from crm_platform.jobs.reminders import send_task_reminders
from crm_platform.jobs.runner import current_queue, enqueue, execute, requeue_stalled
from crm_platform.jobs.tables import JobRun
from crm_platform.users import service as users

CRM = str(Path(sys.executable).with_name("crm"))
RECEIVED: list[Event] = []


def _event_log() -> types.ModuleType:
    module = types.ModuleType("eventlog")

    @hookimpl
    def crm_event(event: Event) -> None:
        RECEIVED.append(event)

    module.crm_event = crm_event
    return module


@pytest.fixture
def crm_plugins():
    RECEIVED.clear()
    return ["jobprobe", ("eventlog", _event_log())]


@pytest.fixture(params=["sqlite", "redis", "postgres"], ids=lambda name: f"queue-{name}")
def jobs_url(request: pytest.FixtureRequest, tmp_path: Path, crm_redis, crm_postgres) -> str:
    """The queue's storage, chosen by URL as CRM_JOBS_URL chooses it: huey's SQLite file (the
    embedded default), Redis, or PostgreSQL (huey's SQL storage); emptied for the test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    url = crm_redis.require() if request.param == "redis" else crm_postgres.require()
    queue.make_huey(url).flush()
    return url


@pytest.fixture
def crm_settings(crm_database_url: str, jobs_url: str) -> Settings:
    # A lease of zero: any run still marked running counts as abandoned.
    return Settings(database_url=crm_database_url, jobs_url=jobs_url, jobs_lease_seconds=0)


@pytest_asyncio.fixture
async def jobs_runtime(crm_settings: Settings, crm_plugins, crm_engine) -> runtime.Runtime:
    """What the worker sets up: settings, engine and plugins, without the web app."""
    rt = setup_runtime(crm_settings, plugins=crm_plugins, engine=crm_engine)
    await plugin_state.load(rt.host, {"jobprobe", "eventlog"})
    return rt


async def _effects(item_id: int) -> tuple[int, int]:
    attempts = await fetch("SELECT count(*) AS n FROM jobprobe_attempt WHERE item_id = {}", item_id)
    effects = await fetch("SELECT count(*) AS n FROM jobprobe_effect WHERE item_id = {}", item_id)
    return attempts[0]["n"], effects[0]["n"]


# --- enqueueing and running, in process -------------------------------------------------------


async def test_enqueueing_the_same_work_twice_queues_one_run(jobs_runtime):
    first = await enqueue("jobprobe.record_item", item_id=1)
    second = await enqueue("jobprobe.record_item", item_id=1)
    assert first == second
    assert await JobRun.count().where(JobRun.key == first) == 1
    assert current_queue().huey.pending_count() == 1


async def test_enqueue_names_an_unknown_job(jobs_runtime):
    with pytest.raises(Invalid) as raised:
        await enqueue("jobprobe.no_such_job", item_id=1)
    assert "jobprobe.no_such_job" in raised.value.errors["job"]


async def test_enqueue_takes_ids_not_records(jobs_runtime):
    with pytest.raises(Invalid) as raised:
        await enqueue("jobprobe.record_item", item={"id": 1})
    assert raised.value.errors["item"] == "jobs take ids, not dict values"


async def test_a_run_delivered_twice_does_its_work_once(jobs_runtime):
    key = await enqueue("jobprobe.record_item", item_id=2)
    await execute(key)
    await execute(key)
    assert await _effects(2) == (1, 1)
    run = await JobRun.select(JobRun.state, JobRun.attempts).where(JobRun.key == key).first()
    assert run == {"state": "done", "attempts": 1}


async def test_a_run_left_running_past_its_lease_is_queued_again(jobs_runtime):
    key = await enqueue("jobprobe.record_item", item_id=3)
    await JobRun.update({JobRun.state: "running", JobRun.started_at: dt.datetime.now(dt.UTC)}).where(JobRun.key == key)
    assert await requeue_stalled() == [key]
    await execute(key)
    assert await _effects(3) == (1, 1)
    assert (await JobRun.select(JobRun.state).where(JobRun.key == key).first())["state"] == "done"


# --- task reminders ----------------------------------------------------------------------------


async def _task(owner_id: int, due_in: dt.timedelta, kind: str = "task", **values) -> int:
    rows = await Activity.insert(
        Activity(type=kind, subject=f"{kind} due in {due_in}", due_at=dt.datetime.now(dt.UTC) + due_in,
                 owner=owner_id, assignee=owner_id, **values)
    )
    return rows[0]["id"]


async def test_a_task_falling_due_is_announced_once(jobs_runtime):
    user = await users.create_user("rep@example.com", "a long password")
    due = await _task(user.id, dt.timedelta(minutes=-5))
    assert await send_task_reminders() == 1
    assert await send_task_reminders() == 0
    reminders = [event for event in RECEIVED if isinstance(event, TaskDue)]
    assert reminders == [TaskDue(actor_id=None, activity_id=due, assignee_id=user.id)]


async def test_a_rescheduled_task_is_reminded_again_when_it_falls_due_again(jobs_runtime):
    from crm_platform.activities import service as activities
    from crm_platform.activities.schemas import ActivityPatch

    user = await users.create_user("rep@example.com", "a long password")
    task = await _task(user.id, dt.timedelta(minutes=-5))
    assert await send_task_reminders() == 1
    await activities.update(user, task, ActivityPatch(due_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    assert await send_task_reminders() == 1
    assert [event.activity_id for event in RECEIVED if isinstance(event, TaskDue)] == [task, task]


async def test_reminders_skip_tasks_not_due_done_or_not_tasks(jobs_runtime):
    user = await users.create_user("rep@example.com", "a long password")
    await _task(user.id, dt.timedelta(hours=2))
    await _task(user.id, dt.timedelta(hours=-2), kind="follow_up", done=True)
    await _task(user.id, dt.timedelta(hours=-2), kind="call")
    follow_up = await _task(user.id, dt.timedelta(hours=-1), kind="follow_up")
    assert await send_task_reminders() == 1
    assert [event.activity_id for event in RECEIVED if isinstance(event, TaskDue)] == [follow_up]


async def test_task_reminders_are_a_job_of_the_core_every_minute(jobs_runtime):
    jobs = {job.name: job.schedule for job in runtime.current().host.items("crm_jobs")}
    assert jobs["core.task_reminders"] == "* * * * *"


# --- in the test's process: crm_clock and crm_run_jobs --------------------------------------

MORNING = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


def _outcomes(outcomes, job_name: str) -> list:
    return [outcome for outcome in outcomes if outcome.job_name == job_name]


def _ran(outcomes, *, plugin: str) -> list[tuple[str, dict, str]]:
    return [(outcome.job_name, outcome.ids, outcome.state) for outcome in outcomes if outcome.job_name.startswith(plugin)]


async def test_an_async_job_enqueued_through_the_toolkit_runs_with_crm_run_jobs(crm_app, crm_clock, crm_run_jobs):
    key = await toolkit.enqueue("jobprobe.record_item", item_id=11)
    assert await _effects(11) == (0, 0)

    outcomes = await crm_run_jobs()
    assert _ran(outcomes, plugin="jobprobe") == [("jobprobe.record_item", {"item_id": 11}, "done")]
    assert await _effects(11) == (1, 1)
    assert (await JobRun.select(JobRun.state).where(JobRun.key == key).first())["state"] == "done"
    assert _ran(await crm_run_jobs(), plugin="jobprobe") == []


async def test_crm_run_jobs_reports_a_failed_run_with_its_error_and_retries_it_next_time(
    crm_app, crm_clock, crm_run_jobs
):
    await toolkit.enqueue("jobprobe.refuse_item", item_id=12)
    [outcome] = _outcomes(await crm_run_jobs(), "jobprobe.refuse_item")
    assert (outcome.state, outcome.ok) == ("failed", False)
    assert outcome.error == "RuntimeError: item 12 is refused on purpose"
    assert len(_outcomes(await crm_run_jobs(), "jobprobe.refuse_item")) == 1
    assert len(_outcomes(await crm_run_jobs(), "jobprobe.refuse_item")) == 1
    # Three attempts, as under the worker; then it stays failed.
    assert _outcomes(await crm_run_jobs(), "jobprobe.refuse_item") == []


async def test_a_scheduled_job_runs_when_the_clock_reaches_its_minute_and_not_before(
    crm_app, crm_clock, crm_run_jobs
):
    NIGHTLY_RUNS.clear()
    crm_clock.set(dt.datetime(2030, 3, 4, 2, 29, 59, tzinfo=dt.UTC))
    assert _ran(await crm_run_jobs(), plugin="jobprobe.nightly") == []

    crm_clock.advance(seconds=1)
    assert _ran(await crm_run_jobs(), plugin="jobprobe.nightly") == [("jobprobe.nightly", {}, "done")]
    assert NIGHTLY_RUNS == [dt.datetime(2030, 3, 4, 2, 30, tzinfo=dt.UTC)]

    crm_clock.advance(seconds=30)  # the same minute: it fired already
    assert _ran(await crm_run_jobs(), plugin="jobprobe.nightly") == []
    crm_clock.advance(minutes=1)
    assert _ran(await crm_run_jobs(), plugin="jobprobe.nightly") == []
    crm_clock.advance(days=1, minutes=-1)
    assert _ran(await crm_run_jobs(), plugin="jobprobe.nightly") == [("jobprobe.nightly", {}, "done")]
    assert len(NIGHTLY_RUNS) == 2


async def test_a_disabled_plugins_scheduled_job_does_not_run(crm_app, crm_clock, crm_run_jobs):
    NIGHTLY_RUNS.clear()
    await plugin_state.set_enabled(runtime.current().host, "jobprobe", False)
    crm_clock.set(dt.datetime(2030, 3, 4, 2, 30, tzinfo=dt.UTC))
    assert _ran(await crm_run_jobs(), plugin="jobprobe") == []
    assert NIGHTLY_RUNS == []


async def _due_task(client, due_at: dt.datetime) -> int:
    response = await client.post(
        "/api/v1/activities", json={"type": "task", "subject": "Call Ada back", "due_at": due_at.isoformat()}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_task_reminders_fire_when_the_clock_passes_the_due_time(crm_client, crm_admin, crm_clock, crm_run_jobs):
    crm_clock.set(MORNING)
    task = await _due_task(crm_client, MORNING + dt.timedelta(hours=1))

    assert _ran(await crm_run_jobs(), plugin="core.task_reminders") == [("core.task_reminders", {}, "done")]
    assert [event for event in RECEIVED if isinstance(event, TaskDue)] == []

    crm_clock.advance(minutes=59)
    await crm_run_jobs()
    assert [event for event in RECEIVED if isinstance(event, TaskDue)] == []

    crm_clock.advance(minutes=1)
    assert _ran(await crm_run_jobs(), plugin="core.task_reminders") == [("core.task_reminders", {}, "done")]
    reminders = [event for event in RECEIVED if isinstance(event, TaskDue)]
    assert reminders == [TaskDue(actor_id=None, activity_id=task, assignee_id=crm_admin[0].id)]


async def test_a_task_is_overdue_once_the_clock_passes_its_due_time(crm_client, crm_clock):
    crm_clock.set(MORNING)
    task = await _due_task(crm_client, MORNING + dt.timedelta(hours=1))

    async def overdue() -> list[int]:
        response = await crm_client.get("/api/v1/tasks", params={"due": "overdue"})
        return [item["id"] for item in response.json()["items"]]

    assert await overdue() == []
    crm_clock.advance(hours=2)
    assert await overdue() == [task]


def test_crm_clock_stands_still_until_set_or_advanced(crm_clock):
    moment = crm_clock.set(dt.datetime(2030, 1, 1, 12, 0))
    assert moment == toolkit.now() == dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert crm_clock.advance(hours=2) == toolkit.now() == dt.datetime(2030, 1, 1, 14, 0, tzinfo=dt.UTC)


def test_the_clock_runs_freely_outside_crm_clock():
    before = dt.datetime.now(dt.UTC)
    assert before <= toolkit.now() <= dt.datetime.now(dt.UTC)


def test_the_queue_imports_nothing_of_the_runner_not_even_inside_a_function():
    # The runner uses the queue; the queue gets the runner's coroutines when it is built.
    tree = ast.parse(Path(queue.__file__).read_text())
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert [name for name in imported if "runner" in (name or "")] == []


# --- a real worker, killed half-way ------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def worker_database_url(request: pytest.FixtureRequest, tmp_path: Path, crm_postgres) -> str:
    """The database a worker subprocess uses: a new SQLite file, or the session's PostgreSQL."""
    if request.param == "postgres":
        return crm_postgres.require()
    return f"sqlite:///{tmp_path / 'crm.sqlite3'}"


def _environment(database_url: str, jobs_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "CRM_DATABASE_URL": database_url,
        "CRM_JOBS_URL": jobs_url,
        "CRM_JOBS_LEASE_SECONDS": "1",
        **extra,
    }


@pytest_asyncio.fixture
async def enqueuing_runtime():
    """Closes the PostgreSQL pool the test opened to enqueue and to check the results."""
    yield
    engine = runtime.current().engine
    if isinstance(engine, PostgresEngine):
        await engine.stop()


async def _crm(tmp_path: Path, environment: dict[str, str], *args: str) -> None:
    process = await asyncio.create_subprocess_exec(
        CRM, *args, cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    assert await process.wait() == 0, f"crm {' '.join(args)} failed"


def _worker(tmp_path: Path, environment: dict[str, str]) -> subprocess.Popen:
    log = open(tmp_path / "worker.log", "ab")  # noqa: SIM115 - the worker owns it until it exits
    return subprocess.Popen([CRM, "worker", "--workers", "1"], cwd=tmp_path, env=environment, stdout=log, stderr=log)


async def _enqueue_in(tmp_path: Path, environment: dict[str, str], item_id: int) -> str:
    await _crm(tmp_path, environment, "migrate")
    await _crm(tmp_path, environment, "plugins", "enable", "jobprobe")
    settings = Settings(database_url=environment["CRM_DATABASE_URL"], jobs_url=environment["CRM_JOBS_URL"])
    rt = setup_runtime(settings, plugins=["jobprobe"])
    if isinstance(rt.engine, PostgresEngine):
        await rt.engine.start()
        await execute_sql("TRUNCATE crm_job_run, jobprobe_attempt, jobprobe_effect")
    return await enqueue("jobprobe.record_item", item_id=item_id)


async def _wait_for(what: str, check, tmp_path: Path, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            log = (tmp_path / "worker.log").read_text(errors="replace")
            raise AssertionError(f"gave up waiting for {what}; worker log:\n{log[-3000:]}")
        await asyncio.sleep(0.2)


async def _run_state(key: str) -> str:
    rows = await fetch("SELECT state FROM crm_job_run WHERE key = {}", key)
    return rows[0]["state"]


def _stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


async def test_a_worker_killed_half_way_leaves_the_job_to_be_retried_and_done_once(
    tmp_path, worker_database_url, jobs_url, enqueuing_runtime
):
    environment = _environment(worker_database_url, jobs_url)
    key = await _enqueue_in(tmp_path, environment, item_id=7)
    assert current_queue().huey.pending_count() == 1

    first = _worker(tmp_path, {**environment, "JOBPROBE_PAUSE_SECONDS": "300"})
    try:
        await _wait_for("the first half of the job", lambda: _attempted(7, 1), tmp_path)
    finally:
        first.kill()  # SIGKILL: no clean-up, the job is lost mid-way
        first.wait()
    assert await _run_state(key) == "running"
    assert await _effects(7) == (1, 0)

    await asyncio.sleep(1.5)  # let the one-second lease of the dead worker's run expire
    second = _worker(tmp_path, environment)
    try:
        await _wait_for("the job to be done", lambda: _done(key), tmp_path)
    finally:
        _stop(second)
    assert await _effects(7) == (2, 1)
    run = await JobRun.select(JobRun.state, JobRun.attempts, JobRun.error).where(JobRun.key == key).first()
    assert run == {"state": "done", "attempts": 2, "error": ""}


async def _attempted(item_id: int, count: int) -> bool:
    return (await _effects(item_id))[0] >= count


async def _done(key: str) -> bool:
    return await _run_state(key) == "done"


async def test_a_worker_stopped_with_sigterm_finishes_the_job_in_flight_first(tmp_path, enqueuing_runtime):
    environment = _environment(f"sqlite:///{tmp_path / 'crm.sqlite3'}", f"sqlite:///{tmp_path / 'jobs.sqlite3'}")
    key = await _enqueue_in(tmp_path, environment, item_id=8)
    worker = _worker(tmp_path, {**environment, "JOBPROBE_PAUSE_SECONDS": "3"})
    try:
        await _wait_for("the first half of the job", lambda: _attempted(8, 1), tmp_path)
        worker.send_signal(signal.SIGTERM)  # as systemd and docker stop do
        assert await asyncio.to_thread(worker.wait, 60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert await _effects(8) == (1, 1)
    assert await _run_state(key) == "done"
