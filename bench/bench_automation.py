"""Workflows on SQLite with one real ``crm worker``: how long from a trigger to its first
action (p50, p95), and how fast many triggered runs are done (10,000; ``--quick``: 1,000).

The workflow starts on every new contact and tags it (one step, a write through the record
pipeline). Latency: a contact is created, and the time until its run's first step is marked
done in the ledger is read, one trigger at a time. Throughput: the contacts are created in
bulk (their events start the runs and queue them), then one worker does them all.

Segments: a saved filter counted over 1,000,000 contacts (``--quick``: 20,000;
``CRM_BENCH_SEGMENT_CONTACTS`` sets the number) through ``toolkit.count_records``, the call a
segment's count makes, median of 5 after a warm-up. ``CRM_BENCH_RUNS=0`` skips the workflows.

    python -m bench --only automation
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

Row = tuple[str, float, str]
RUNS = 10_000
SAMPLES = 40
WORKFLOW = {
    "name": "Tag new contacts", "enabled": True, "trigger": {"event": "RecordCreated", "kind": "contact"},
    "steps": [{"action": "automation.add_tag", "tag": "new"}],
}


def _contact(name: str) -> dict[str, object]:
    return {"given_name": name, "family_name": "Bench", "display_name": f"{name} Bench", "primary_email": None,
            "emails": [], "phones": [], "job_title": "", "lifecycle_stage": "lead", "tags": [], "source": "bench",
            "custom": {}}


def _environment(folder: Path, url: str) -> dict[str, str]:
    return {**os.environ, "CRM_DATABASE_URL": url, "CRM_JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
            "CRM_CONFIG": str(folder / "no-crm.toml"), "CRM_PLUGINS": "automation"}


def _worker(folder: Path, environment: dict[str, str]) -> subprocess.Popen:
    log = open(folder / "worker.log", "ab")  # noqa: SIM115 - the worker owns it until it exits
    return subprocess.Popen([str(Path(sys.executable).parent / "crm"), "worker", "--workers", "1"],
                            env=environment, stdout=log, stderr=log, cwd=folder)


def _stop(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


async def _measure(folder: Path, runs: int) -> list[Row]:
    from crm_automation import workflows

    from crm_platform.app import setup_runtime
    from crm_platform.config import Settings
    from crm_platform.db.raw import fetch
    from crm_platform.db.setup import migrate
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.records import pipeline
    from crm_platform.users import service

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    environment = _environment(folder, url)
    rt = setup_runtime(Settings(database_url=url, jobs_url=environment["CRM_JOBS_URL"], plugins="automation"),
                       plugins=["automation"])
    await migrate()
    await plugin_state.load(rt.host, {"automation"})
    admin = await service.create_user("bench@example.com", "correct horse battery", role="admin")
    await workflows.create(admin, WORKFLOW)

    async def steps_done() -> int:
        return (await fetch("SELECT COUNT(*) AS n FROM automation_step WHERE state = 'done'"))[0]["n"]

    worker = _worker(folder, environment)
    latencies = []
    try:
        for n in range(SAMPLES + 3):
            before = await steps_done()
            begun = time.perf_counter()
            await pipeline.create(admin, "contact", _contact(f"Latency {n}"))
            while await steps_done() == before:
                await asyncio.sleep(0.005)
            if n >= 3:  # the first runs warm the worker up (imports, connections)
                latencies.append(time.perf_counter() - begun)
    finally:
        _stop(worker)

    started_runs = await steps_done()
    items = [_contact(f"Bulk {n}") for n in range(runs)]
    begun = time.perf_counter()
    for offset in range(0, runs, 1000):
        await pipeline.create_many(admin, "contact", items[offset:offset + 1000])
    queued_seconds = time.perf_counter() - begun
    worker = _worker(folder, environment)
    drain_begun = time.perf_counter()
    try:
        while await steps_done() < started_runs + runs:
            await asyncio.sleep(0.2)
    finally:
        _stop(worker)
    drain_seconds = time.perf_counter() - drain_begun
    cuts = statistics.quantiles(latencies, n=20)
    return [
        ("trigger -> first action, p50, one worker (sqlite)", statistics.median(latencies) * 1000, "ms"),
        ("trigger -> first action, p95, one worker (sqlite)", cuts[18] * 1000, "ms"),
        (f"{runs} triggers: contacts written, runs queued", queued_seconds, "s"),
        (f"{runs} runs done by one worker", drain_seconds, "s"),
        (f"{runs} triggered runs, trigger to last run done", queued_seconds + drain_seconds, "s"),
        ("runs done per second, one worker", runs / drain_seconds, "runs/s"),
    ]


SEGMENT_CONTACTS = 1_000_000
SEGMENTS = {
    "leads": {"equals": {"lifecycle_stage": "lead"}},
    "leads tagged vip": {"equals": {"lifecycle_stage": "lead"}, "tag": "vip"},
    "one owner's customers": {"equals": {"lifecycle_stage": "customer"}, "owner": True},
}


async def _count_segments(url: str, admin_id: int, contacts: int) -> list[Row]:
    from crm_platform.app import setup_runtime
    from crm_platform.config import Settings
    from crm_platform.toolkit import RecordFilter, count_records, principal_for

    rt = setup_runtime(Settings(database_url=url), plugins=[])
    admin = await principal_for(admin_id)
    rows: list[Row] = []
    for label, spec in SEGMENTS.items():
        filters = RecordFilter(equals=spec["equals"], tag=spec.get("tag"), owner_id=admin_id if spec.get("owner") else None)
        found = await count_records(admin, "contact", filters)  # warm-up
        times = []
        for _ in range(5):
            begun = time.perf_counter()
            await count_records(admin, "contact", filters)
            times.append(time.perf_counter() - begun)
        rows.append((f"segment count over {contacts:,} contacts: {label} ({found:,}) (sqlite)",
                     statistics.median(times) * 1000, "ms"))
    rt.engine.close()
    return rows


def _segments(folder: Path, contacts: int) -> list[Row]:
    from bench import _database

    database = _database.build("sqlite", contacts, folder)
    return [(f"load {contacts:,} contacts", database.load_seconds, "s"),
            *asyncio.run(_count_segments(database.url, database.admin_id, contacts))]


def run(quick: bool) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-automation-"))
    runs = int(os.environ.get("CRM_BENCH_RUNS") or (1_000 if quick else RUNS))
    contacts = int(os.environ.get("CRM_BENCH_SEGMENT_CONTACTS") or (20_000 if quick else SEGMENT_CONTACTS))
    rows = asyncio.run(_measure(folder, runs)) if runs else []
    segment_folder = Path(tempfile.mkdtemp(prefix="crm-bench-segments-"))
    return [*rows, *_segments(segment_folder, contacts)]
