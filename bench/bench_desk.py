"""The ticket desk: queues over 100,000 tickets, SLA due-time computations per second, and
inbound emails turned into tickets.

Queues are timed through the app in process (routing, auth, the query, serialising), on
SQLite and, when it is reachable, PostgreSQL:

    python -m bench --only desk            # 100,000 tickets, 1,000 emails
    python -m bench --only desk --quick    # 10,000 tickets, 100 emails
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import secrets
import statistics
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

import httpx

Row = tuple[str, float, str]
ROUNDS = 60
AGENTS = 20
POSTGRES_DATABASE = "crm_bench_desk"
STATUSES = ("new", "open", "open", "pending_customer", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "normal", "high", "urgent")


async def _load(total: int, agent_ids: list[int], team_id: int) -> None:
    from crm_desk.tables import FAR_FUTURE

    from crm_platform.toolkit import execute, fetch, insert_rows, unit_of_work

    pick = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    columns = (
        "subject", "description", "status", "priority", "category", "channel", "owner", "team_id", "tags", "custom",
        "public_token", "thread_id", "first_response_due", "first_response_at_risk", "first_response_derivation",
        "resolution_due", "resolution_at_risk", "resolution_derivation", "next_due", "next_at_risk", "at_risk",
        "created_at", "updated_at",
        "csat_comment",
    )
    rows = []
    for number in range(total):
        created = now - dt.timedelta(hours=pick.randint(1, 24 * 90))
        status = pick.choice(STATUSES)
        done = status in ("solved", "closed")
        first = None if done else created + dt.timedelta(hours=pick.randint(1, 48))
        resolution = None if done else created + dt.timedelta(hours=pick.randint(8, 160))
        owner = None if pick.random() < 0.2 else pick.choice(agent_ids)
        rows.append((
            f"Ticket {number}", "", status, pick.choice(PRIORITIES), "", "email", owner,
            team_id if pick.random() < 0.5 else None, "[]", "{}", secrets.token_urlsafe(16) + str(number), "",
            first, first - dt.timedelta(hours=1) if first else None, "", resolution,
            resolution - dt.timedelta(hours=4) if resolution else None, "",
            first or FAR_FUTURE, first - dt.timedelta(hours=1) if first else None,
            bool(first and first - dt.timedelta(hours=1) <= now < first), created, created, "",
        ))
    for start in range(0, total, 5_000):
        async with unit_of_work():
            await insert_rows("desk_ticket", columns, rows[start : start + 5_000])
    assert (await fetch("SELECT count(*) AS n FROM desk_ticket"))[0]["n"] == total
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


def _email(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"Customer {number} <customer{number % 200}@example.com>"
    message["To"] = "support@example.com"
    message["Subject"] = f"Problem number {number}"
    message["Message-ID"] = f"<bench-{number}@example.com>"
    message.set_content(f"Something is wrong ({number}).")
    return bytes(message)


async def _run(quick: bool, folder: Path, database_url: str, label: str) -> list[Row]:
    from crm_desk.mail import inbound

    from crm_platform import runtime
    from crm_platform.app import create_app
    from crm_platform.config import Settings
    from crm_platform.db.engine import PostgresEngine
    from crm_platform.db.setup import migrate
    from crm_platform.testing import client_for
    from crm_platform.users import service

    total, emails = (10_000, 100) if quick else (100_000, 1_000)
    settings = Settings(database_url=database_url, jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}")
    app = create_app(settings, plugins=["desk"])
    engine = runtime.current().engine
    if isinstance(engine, PostgresEngine):
        await engine.start()
    await migrate()
    for hook in app.on_startup:
        await hook()
    admin = await service.create_user("bench@example.com", "correct horse battery", role="admin")
    agents = []
    for number in range(AGENTS):
        agents.append(await service.create_user(f"agent{number}@example.com", "correct horse battery", team="Support"))
    team_id = agents[0].team_id
    member_token = await service.create_token("agent0@example.com")
    begun = time.perf_counter()
    await _load(total, [agent.id for agent in agents], team_id)
    rows: list[Row] = [(f"desk {label}: load {total:,} tickets", time.perf_counter() - begun, "s")]
    async with client_for(app, await service.create_token("bench@example.com")) as admin_client, \
            client_for(app, member_token) as member_client:
        for queue in ("mine", "unassigned", "team", "at_risk", "breached", "pending_customer", "all"):
            for who, client in (("admin", admin_client), ("member", member_client)):
                samples = await _time(client, f"/api/v1/desk/tickets?queue={queue}&limit=50", ROUNDS)
                rows.append((f"desk {label}: queue {queue} over {total:,}, {who}, p95", _p95(samples), "ms"))
        samples = await _time(member_client, "/desk/?queue=team", ROUNDS // 2)
        rows.append((f"desk {label}: team queue page over {total:,}, member, p95", _p95(samples), "ms"))
    messages = [_email(number) for number in range(emails)]
    begun = time.perf_counter()
    for raw in messages:
        await inbound.receive(admin, raw)
    rows.append((f"desk {label}: {emails:,} inbound emails to tickets", time.perf_counter() - begun, "s"))
    for hook in app.on_shutdown:
        await hook()
    return rows


def _sla_rate(quick: bool) -> Row:
    from crm_desk.sla.calendar import Calendar
    from crm_desk.sla.clock import due_at

    calendar = Calendar.build(
        "Europe/Berlin", {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        ["2026-12-25", "2026-12-26", "2027-01-01"],
    )
    pick = random.Random(3)
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    cases = [
        (start + dt.timedelta(minutes=pick.randint(0, 60 * 24 * 120)), pick.choice((60, 240, 480, 960, 2400)))
        for _ in range(20_000 if quick else 200_000)
    ]
    begun = time.perf_counter()
    for moment, minutes in cases:
        due_at(calendar, moment, minutes)
    return ("desk: SLA due times with derivation (Berlin, holidays)", len(cases) / (time.perf_counter() - begun), "tickets/s")


def run(quick: bool) -> list[Row]:
    from bench._database import drop_postgres, fresh_postgres, postgres_reachable

    logging.getLogger("httpx").setLevel(logging.WARNING)
    rows: list[Row] = [_sla_rate(quick)]
    with tempfile.TemporaryDirectory(prefix="crm-bench-desk-") as folder:
        rows += asyncio.run(_run(quick, Path(folder), f"sqlite:///{Path(folder) / 'desk.sqlite3'}", "sqlite"))
        if postgres_reachable() is None:
            try:
                url = asyncio.run(fresh_postgres(POSTGRES_DATABASE))
                rows += asyncio.run(_run(quick, Path(folder), url, "postgres"))
            finally:
                drop_postgres(POSTGRES_DATABASE)
    return rows
