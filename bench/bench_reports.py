"""Reports: every built-in report and a dashboard of 8 widgets, timed as the API answers them
(routing, auth, the report's queries, JSON), for a manager (everything) and a member (a team
of 10 among 20 owners), on SQLite and, when it is reachable, PostgreSQL:

    python -m bench --only reports            # 1,000,000 contacts, 5,000,000 activities
    python -m bench --only reports --quick    # 20,000 contacts, 100,000 activities
    python -m bench.bench_reports 200000 1000000 sqlite   # a scale and engines of one's choosing

Rows go in with the bulk insert, spread over two years, so a report's 90 days hold about an
eighth of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

Row = tuple[str, float, str]
ROUNDS = 30
OWNERS = 20
BATCH = 20_000
POSTGRES_DATABASE = "crm_bench_reports"
REPORTS = ("team_activity", "follow_up", "lifecycle_funnel", "customers_won_lost", "sources", "referrals")
# The reports that read the daily contact counts (crm_report_contact_day).
CONTACT_REPORTS = ("follow_up", "lifecycle_funnel", "sources")
TYPES = ("call", "meeting", "email", "note", "task", "follow_up")
SOURCES = ("web", "fair", "referral", "ads", "partner", "")
STAGES = ("lead", "lead", "lead", "prospect", "customer", "former")
SPAN_DAYS = 730


async def _load(contacts: int, activities: int, owners: list[int]) -> None:
    from crm_platform.toolkit import execute, insert_rows, unit_of_work

    pick = random.Random(11)
    now = dt.datetime.now(dt.UTC)
    contact_columns = ("given_name", "family_name", "display_name", "emails", "phones", "job_title", "lifecycle_stage",
                       "lifecycle_changed_at", "owner", "tags", "source", "custom", "created_at", "updated_at",
                       "last_contacted_at")
    for start in range(0, contacts, BATCH):
        rows = []
        for number in range(start, min(start + BATCH, contacts)):
            created = now - dt.timedelta(minutes=pick.randint(0, SPAN_DAYS * 1440))
            touched = created + dt.timedelta(days=pick.randint(0, 60)) if pick.random() < 0.7 else None
            rows.append(("Bench", f"Contact {number}", f"Bench Contact {number}", "[]", "[]", "", pick.choice(STAGES),
                         created, pick.choice(owners), "[]", pick.choice(SOURCES), "{}", created, created,
                         min(touched, now) if touched else None))
        async with unit_of_work():
            await insert_rows("crm_contact", contact_columns, rows)
    activity_columns = ("type", "subject", "body", "occurred_at", "direction", "channel", "owner", "due_at",
                        "assignee", "done", "done_at", "source", "created_at", "updated_at")
    for start in range(0, activities, BATCH):
        rows = []
        for _ in range(start, min(start + BATCH, activities)):
            kind = pick.choice(TYPES)
            occurred = now - dt.timedelta(minutes=pick.randint(0, SPAN_DAYS * 1440))
            owner = pick.choice(owners)
            task = kind in ("task", "follow_up")
            due = occurred + dt.timedelta(days=pick.randint(1, 14)) if task else None
            done = task and pick.random() < 0.7
            done_at = occurred + dt.timedelta(days=pick.randint(0, 20)) if done else None
            rows.append((kind, "Bench", "", occurred, "", "", owner, due, owner if task else None, done,
                         min(done_at, now) if done_at else None, "", occurred, occurred))
        async with unit_of_work():
            await insert_rows("crm_activity", activity_columns, rows)
    # A lifecycle change for every tenth contact, and a referral for every fiftieth.
    async with unit_of_work():
        await execute(
            "INSERT INTO crm_lifecycle_change (contact, stage_from, stage_to, changed_at) "
            "SELECT id, 'prospect', lifecycle_stage, created_at FROM crm_contact "
            "WHERE id % 10 = 0 AND lifecycle_stage IN ('customer', 'former')"
        )
        await execute(
            "INSERT INTO crm_relationship (type, source_type, source_id, target_type, target_id, role, created_at) "
            "SELECT 'referred_by', 'contact', id, 'contact', id % 997 + 1, '', created_at FROM crm_contact "
            "WHERE id % 50 = 0"
        )


async def _analyze() -> None:
    from crm_platform import runtime
    from crm_platform.db.engine import PostgresEngine

    engine = runtime.current().engine
    if isinstance(engine, PostgresEngine):
        await engine._run_in_new_connection("VACUUM ANALYZE")
    else:
        await engine.write("ANALYZE")


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


async def _time(client: httpx.AsyncClient, path: str, rounds: int) -> list[float]:
    (await client.get(path)).raise_for_status()
    samples = []
    for _ in range(rounds):
        begun = time.perf_counter()
        response = await client.get(path)
        samples.append(time.perf_counter() - begun)
        response.raise_for_status()
    return samples


async def _run(contacts: int, activities: int, folder: Path, database_url: str, label: str) -> list[Row]:
    from crm_platform import runtime
    from crm_platform.app import create_app
    from crm_platform.config import Settings
    from crm_platform.db.engine import PostgresEngine
    from crm_platform.db.setup import migrate
    from crm_platform.reports import aggregates, contact_aggregates
    from crm_platform.testing import client_for
    from crm_platform.users import service

    settings = Settings(database_url=database_url, jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}")
    app = create_app(settings, plugins=[])
    engine = runtime.current().engine
    if isinstance(engine, PostgresEngine):
        await engine.start()
    await migrate()
    for hook in app.on_startup:
        await hook()
    admin = await service.create_user("bench@example.com", "correct horse battery", role="manager")
    owners = [admin.id]
    for number in range(OWNERS - 1):
        team = "North" if number < 10 else "South"
        owners.append((await service.create_user(f"rep{number}@example.com", "correct horse battery", team=team)).id)
    begun = time.perf_counter()
    await _load(contacts, activities, owners)
    scale = f"{contacts:,} contacts/{activities:,} activities"
    rows: list[Row] = [(f"reports {label}: load {scale}", time.perf_counter() - begun, "s")]
    # The bulk insert sends no events: the daily counts are rebuilt as for an existing database.
    begun = time.perf_counter()
    await aggregates.rebuild()
    rows.append((f"reports {label}: rebuild-aggregates", time.perf_counter() - begun, "s"))
    begun = time.perf_counter()
    await contact_aggregates.rebuild()
    rows.append((f"reports {label}: rebuild-aggregates, contacts", time.perf_counter() - begun, "s"))
    await _analyze()
    async with client_for(app, await service.create_token("bench@example.com")) as manager, \
            client_for(app, await service.create_token("rep0@example.com")) as member:
        for who, client in (("manager", manager), ("member", member)):
            for key in REPORTS:
                samples = await _time(client, f"/api/v1/reports/{key}", ROUNDS)
                rows.append((f"reports {label}: {key}, {who}, p95", _p95(samples), "ms"))
        created = await manager.post("/api/v1/dashboards", json={"title": "Eight", "widgets": [
            {"report": key} for key in (*REPORTS, "team_activity", "follow_up")]})
        created.raise_for_status()
        samples = await _time(manager, f"/api/v1/dashboards/{created.json()['id']}", ROUNDS // 2)
        rows.append((f"reports {label}: dashboard of 8 widgets, manager, p95", _p95(samples), "ms"))
        # The same requests in the same run with the contact counts switched off: the reports
        # over contacts then count the contacts themselves, as before the counts were kept.
        kept = contact_aggregates.readable_by

        async def never(principal: object) -> bool:
            return False

        contact_aggregates.readable_by = never
        try:
            for who, client in (("manager", manager), ("member", member)):
                for key in CONTACT_REPORTS:
                    samples = await _time(client, f"/api/v1/reports/{key}", ROUNDS)
                    rows.append((f"reports {label}: {key}, {who}, from the contacts, p95", _p95(samples), "ms"))
            samples = await _time(manager, f"/api/v1/dashboards/{created.json()['id']}", ROUNDS // 2)
            rows.append((f"reports {label}: dashboard of 8 widgets, manager, from the contacts, p95", _p95(samples),
                         "ms"))
        finally:
            contact_aggregates.readable_by = kept
    for hook in app.on_shutdown:
        await hook()
    if isinstance(engine, PostgresEngine):
        await engine.stop()
    return rows


def measure(contacts: int, activities: int, engines: tuple[str, ...] = ("sqlite", "postgres"),
            report: Callable[[list[Row]], None] = lambda rows: None) -> list[Row]:
    """The figures on each of ``engines`` (PostgreSQL when reachable); ``report`` gets each
    engine's rows as soon as they are measured."""
    from bench._database import drop_postgres, fresh_postgres, postgres_reachable

    logging.getLogger("httpx").setLevel(logging.WARNING)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-reports-") as folder:
        if "sqlite" in engines:
            path = Path(folder) / "reports.sqlite3"
            rows += asyncio.run(_run(contacts, activities, Path(folder), f"sqlite:///{path}", "sqlite"))
            report([row for row in rows if " sqlite:" in row[0]])
        if "postgres" in engines and postgres_reachable() is None:
            try:
                url = asyncio.run(fresh_postgres(POSTGRES_DATABASE))
                found = asyncio.run(_run(contacts, activities, Path(folder), url, "postgres"))
                rows += found
                report(found)
            finally:
                drop_postgres(POSTGRES_DATABASE)
    return rows


def run(quick: bool) -> list[Row]:
    return measure(20_000, 100_000) if quick else measure(1_000_000, 5_000_000)


def _print(rows: list[Row]) -> None:
    for name, value, unit in rows:
        print(f"{name:<70} {value:>12,.2f} {unit}", flush=True)


def main(contacts: int, activities: int, engines: tuple[str, ...] = ("sqlite", "postgres")) -> None:
    """Print the figures at a scale of one's choosing, each engine's as soon as it is done."""
    measure(contacts, activities, engines, report=_print)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), tuple(sys.argv[3:]) or ("sqlite", "postgres"))
