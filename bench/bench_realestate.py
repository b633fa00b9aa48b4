"""The real estate plugin: matching over 100,000 listings and 100,000 buyers.

Timed through the app in process (routing, auth, the buyer's contact read, the match query,
the JSON), for random buyers and random listings, as an admin (who sees everything) and as a
member (who sees their team's), on SQLite and, when it is reachable, PostgreSQL:

    python -m bench --only realestate            # 100,000 listings and 100,000 buyers
    python -m bench --only realestate --quick    # 10,000 of each

The goal: p95 of "listings for one buyer" at most 50 ms.
"""

from __future__ import annotations

import asyncio
import logging
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import httpx

Row = tuple[str, float, str]
ROUNDS = 100
AGENTS = 10
POSTGRES_DATABASE = "crm_bench_realestate"
AREAS = ("Riverside", "Old Town", "Harbour", "Hillside", "Market Square", "Docklands", "Parkside", "University",
         "Northgate", "Southbank", "West End", "Meadows")
TYPES = ("house", "apartment", "land", "commercial")
BATCH = 20_000


def _listing(pick: random.Random, agents: list[int]) -> tuple:
    area, kind = pick.choice(AREAS), pick.choices(TYPES, weights=(5, 6, 1, 1))[0]
    renting = pick.random() < 0.2
    price = Decimal(pick.randrange(500, 5_000, 50) if renting else pick.randrange(60_000, 2_000_000, 1_000))
    status = "for_rent" if renting else pick.choices(("for_sale", "under_offer", "sold"), weights=(6, 1, 3))[0]
    return (f"{pick.randint(1, 300)} {area} Road", area, area.casefold(), kind, pick.randint(1, 6), pick.randint(1, 3),
            price, "EUR", status, pick.choice(agents))


def _wishes(pick: random.Random) -> dict:
    low = pick.randrange(100_000, 900_000, 25_000)
    wanted = {"realestate_role": ["buyer"], "realestate_budget_min": low,
              "realestate_budget_max": low + pick.randrange(50_000, 400_000, 25_000)}
    if pick.random() < 0.9:
        wanted["realestate_wanted_areas"] = ", ".join(pick.sample(AREAS, pick.randint(1, 3)))
    if pick.random() < 0.8:
        wanted["realestate_wanted_types"] = pick.sample(TYPES[:2], pick.randint(1, 2))
    return wanted


async def _load(count: int, agents: list[int]) -> list[int]:
    """``count`` listings and ``count`` buyers (contacts with wishes, and their wish rows, as the
    plugin's listener would write them); returns the buyers' ids."""
    from crm_realestate import matching

    from bench._database import fake_contacts
    from crm_platform.contacts.bulk import write_contacts
    from crm_platform.toolkit import execute, insert_rows, unit_of_work

    pick = random.Random(11)
    columns = ("address", "area", "area_key", "type", "bedrooms", "bathrooms", "price", "currency", "status", "agent")
    for start in range(0, count, BATCH):
        async with unit_of_work():
            await insert_rows("realestate_property", columns,
                              [_listing(pick, agents) for _ in range(min(BATCH, count - start))])
    buyer_ids: list[int] = []
    for start in range(0, count, BATCH):
        contacts = fake_contacts(start, min(BATCH, count - start), agents[0])
        for contact in contacts:
            contact["owner"] = pick.choice(agents)
            contact["custom"] = _wishes(pick)
        async with unit_of_work():
            ids = await write_contacts(agents[0], contacts)
            wish_rows = [row for contact_id, contact in zip(ids, contacts, strict=True)
                         for row in matching._wish_rows(contact | {"id": contact_id})]
            await insert_rows("realestate_wish", matching.WISH_COLUMNS, wish_rows)
        buyer_ids += ids
    await execute("ANALYZE")
    return buyer_ids


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


async def _time(client: httpx.AsyncClient, paths: list[str]) -> list[float]:
    (await client.get(paths[0])).raise_for_status()
    samples = []
    for path in paths:
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
    from crm_platform.toolkit import fetch
    from crm_platform.users import service

    count = 10_000 if quick else 100_000
    settings = Settings(database_url=database_url, jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}")
    app = create_app(settings, plugins=["realestate"])
    engine = runtime.current().engine
    if isinstance(engine, PostgresEngine):
        await engine.start()
    await migrate()
    for hook in app.on_startup:
        await hook()
    admin = await service.create_user("bench@example.com", "correct horse battery", role="admin")
    agents = [admin.id]
    for number in range(AGENTS - 1):
        team = "North" if number % 2 else "South"
        agents.append((await service.create_user(f"agent{number}@example.com", "correct horse battery", team=team)).id)
    begun = time.perf_counter()
    buyer_ids = await _load(count, agents)
    rows: list[Row] = [(f"realestate {label}: load {count:,} listings and {count:,} buyers", time.perf_counter() - begun, "s")]
    wishes = (await fetch("SELECT count(*) AS n FROM realestate_wish"))[0]["n"]
    rows.append((f"realestate {label}: wish rows for {count:,} buyers", wishes, "rows"))
    pick = random.Random(5)
    listing_ids = [row["id"] for row in await fetch(
        "SELECT id FROM realestate_property WHERE status IN ('for_sale', 'for_rent') ORDER BY id")]
    buyers = [f"/api/v1/realestate/contacts/{pick.choice(buyer_ids)}/listings?limit=20" for _ in range(ROUNDS)]
    listings = [f"/api/v1/realestate/properties/{pick.choice(listing_ids)}/buyers?limit=20" for _ in range(ROUNDS)]
    async with client_for(app, await service.create_token("bench@example.com")) as admin_client, \
            client_for(app, await service.create_token("agent0@example.com")) as member_client:
        for who, client in (("admin", admin_client), ("member", member_client)):
            visible_buyers = buyers if who == "admin" else [
                path for path in buyers if (await client.get(path)).status_code == 200][:ROUNDS]
            visible_listings = listings if who == "admin" else [
                path for path in listings if (await client.get(path)).status_code == 200][:ROUNDS]
            if len(visible_buyers) >= 20:
                samples = await _time(client, visible_buyers)
                rows.append((f"realestate {label}: listings for one buyer, {who}, p95", _p95(samples), "ms"))
            if len(visible_listings) >= 20:
                samples = await _time(client, visible_listings)
                rows.append((f"realestate {label}: buyers for one listing, {who}, p95", _p95(samples), "ms"))
    for hook in app.on_shutdown:
        await hook()
    return rows


def run(quick: bool) -> list[Row]:
    from bench._database import drop_postgres, fresh_postgres, postgres_reachable

    logging.getLogger("httpx").setLevel(logging.WARNING)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-realestate-") as folder:
        rows += asyncio.run(_run(quick, Path(folder), f"sqlite:///{Path(folder) / 'realestate.sqlite3'}", "sqlite"))
        if postgres_reachable() is None:
            try:
                rows += asyncio.run(_run(quick, Path(folder), asyncio.run(fresh_postgres(POSTGRES_DATABASE)),
                                         "postgres"))
            finally:
                drop_postgres(POSTGRES_DATABASE)
    return rows
