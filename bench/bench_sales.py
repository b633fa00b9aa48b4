"""The sales plugin: the Kanban board with 10,000 open deals and the forecast over 100,000.

Both are timed through the app in process (routing, auth, queries, rendering), on SQLite
and, when it is reachable, PostgreSQL:

    python -m bench --only sales            # 10,000 open deals among 100,000
    python -m bench --only sales --quick    # 1,000 open among 10,000
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

Row = tuple[str, float, str]
ROUNDS = 60
OWNERS = 20
POSTGRES_DATABASE = "crm_bench_sales"
REASONS = ("Price", "Competitor", "No budget", "No decision", "Timing", "Other")


async def _load(open_count: int, total: int, owner_ids: list[int]) -> None:
    from crm_sales import cells
    from crm_sales.pipelines import get_pipeline

    from crm_platform.toolkit import execute, fetch, insert_rows, unit_of_work

    stages = (await get_pipeline(None))["stages"]
    pipeline_id = stages[0]["pipeline"]
    open_stages = [stage for stage in stages if stage["kind"] == "open"]
    won = next(stage for stage in stages if stage["kind"] == "won")
    lost = next(stage for stage in stages if stage["kind"] == "lost")
    pick = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    columns = (
        "title", "amount", "currency", "expected_close_date", "close_month", "probability", "probability_set",
        "pipeline", "stage", "status", "furthest_position", "owner", "next_step", "source", "lost_reason",
        "stage_entered_at", "closed_at", "cycle_days", "created_at", "updated_at",
    )
    rows = []
    for number in range(total):
        created = now - dt.timedelta(days=pick.randint(1, 720))
        close = (now + dt.timedelta(days=pick.randint(-60, 365))).date()
        amount = Decimal(pick.randint(500, 250_000))
        if number < open_count:
            stage = pick.choice(open_stages)
            status, furthest, reason, closed, cycle = "open", stage["position"], None, None, None
        else:
            stage = won if pick.random() < 0.35 else lost
            status = stage["kind"]
            furthest = won["position"] if status == "won" else pick.choice(open_stages)["position"]
            reason = pick.choice(REASONS) if status == "lost" else None
            closed, cycle = created + dt.timedelta(days=pick.randint(5, 200)), pick.randint(5, 200)
        rows.append((
            f"Deal {number}", amount, "EUR", close, close.strftime("%Y-%m"), stage["probability"], False,
            pipeline_id, stage["id"], status, furthest, pick.choice(owner_ids), "", "bench", reason,
            created, closed, cycle, created, created,
        ))
    for start in range(0, total, 5_000):
        async with unit_of_work():
            await insert_rows("sales_deal", columns, rows[start : start + 5_000])
    async with unit_of_work():
        await cells.rebuild()  # bulk inserts bypass the per-deal upkeep of the forecast cells
    assert (await fetch("SELECT count(*) AS n FROM sales_deal"))[0]["n"] == total
    await execute("ANALYZE")


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


async def _run(quick: bool, folder: Path, database_url: str, label: str) -> list[Row]:
    from crm_platform import runtime
    from crm_platform.app import create_app
    from crm_platform.config import Settings
    from crm_platform.db.engine import PostgresEngine
    from crm_platform.db.setup import migrate
    from crm_platform.testing import client_for
    from crm_platform.users import service

    open_count, total = (1_000, 10_000) if quick else (10_000, 100_000)
    settings = Settings(database_url=database_url, jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}")
    app = create_app(settings, plugins=["sales"])
    engine = runtime.current().engine
    if isinstance(engine, PostgresEngine):
        await engine.start()  # the start-up hooks read tables that migrate() creates
    await migrate()
    for hook in app.on_startup:
        await hook()
    admin = await service.create_user("bench@example.com", "correct horse battery", role="admin")
    owners = [admin.id]
    for number in range(OWNERS - 1):
        owners.append((await service.create_user(f"rep{number}@example.com", "correct horse battery", team="Sales")).id)
    member_token = await service.create_token("rep0@example.com")
    begun = time.perf_counter()
    await _load(open_count, total, owners)
    load_seconds = time.perf_counter() - begun
    rows: list[Row] = [(f"sales {label}: load {total:,} deals ({open_count:,} open)", load_seconds, "s")]
    board_path = "/sales/" if _has_pages(app) else "/api/v1/sales/deals?status=open&limit=200"
    async with client_for(app, await service.create_token("bench@example.com")) as admin_client, \
            client_for(app, member_token) as member_client:
        for who, client in (("manager", admin_client), ("member", member_client)):
            samples = await _time(client, board_path, ROUNDS)
            rows.append((f"sales {label}: board {open_count:,} open deals, {who}, p95", _p95(samples), "ms"))
            samples = await _time(client, "/api/v1/sales/pipelines", ROUNDS)
            rows.append((f"sales {label}: pipelines (baseline), {who}, p95", _p95(samples), "ms"))
            samples = await _time(client, "/api/v1/sales/forecast", ROUNDS)
            rows.append((f"sales {label}: forecast over {total:,} deals, {who}, p95", _p95(samples), "ms"))
        if _has_pages(app):
            samples = await _time(admin_client, "/sales/forecast", ROUNDS // 2)
            rows.append((f"sales {label}: forecast page over {total:,} deals, p95", _p95(samples), "ms"))
    for hook in app.on_shutdown:
        await hook()
    return rows


def _has_pages(app) -> bool:
    return any(route.path == "/sales" or route.path.startswith("/sales/") for route in app.routes)


def run(quick: bool) -> list[Row]:
    from bench._database import drop_postgres, fresh_postgres, postgres_reachable

    logging.getLogger("httpx").setLevel(logging.WARNING)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-sales-") as folder:
        rows += asyncio.run(_run(quick, Path(folder), f"sqlite:///{Path(folder) / 'sales.sqlite3'}", "sqlite"))
        if postgres_reachable() is None:
            try:
                rows += asyncio.run(_run(quick, Path(folder), asyncio.run(fresh_postgres(POSTGRES_DATABASE)), "postgres"))
            finally:
                drop_postgres(POSTGRES_DATABASE)
    return rows
