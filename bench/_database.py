"""Databases for benchmarks: migrated, with an admin token and N contacts loaded through the
bulk path (``write_contacts`` inside a unit of work), the path the demo loader uses."""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crm_platform.app import setup_runtime
from crm_platform.config import Settings
from crm_platform.contacts.bulk import LOAD_BATCH
from crm_platform.db.engine import PostgresEngine

POSTGRES_ADMIN_URL = os.environ.get("CRM_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
POSTGRES_DATABASE = "crm_bench"
ADMIN_EMAIL = "bench@example.com"

GIVEN = (
    "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Dennis", "Frances", "John", "Radia",
    "Tim", "Sophie", "Linus", "Guido", "Anita", "Leslie", "Niklaus", "Shafi", "Whitfield", "Judea", "Yukihiro",
    "Bjarne", "James", "Hedy", "Katherine",
)
FAMILY = (
    "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Ritchie", "Allen",
    "Backus", "Perlman", "Berners-Lee", "Wilson", "Torvalds", "Rossum", "Borg", "Lamport", "Wirth", "Goldwasser",
    "Diffie", "Pearl", "Matsumoto", "Stroustrup", "Gosling", "Lamarr", "Johnson", "Nakamura", "Okafor", "Schmidt",
    "Rossi", "Dubois", "Silva", "Novak",
)
TITLES = ("Engineer", "Head of Sales", "CTO", "Buyer", "Office Manager", "Consultant", "")
STAGES = ("lead", "prospect", "customer", "former")
TAGS = ("vip", "newsletter", "partner", "event-2025", "churn-risk")


@dataclass
class Database:
    kind: str  # "sqlite" or "postgres"
    url: str
    token: str
    admin_id: int
    contacts: int
    load_seconds: float

    @property
    def environment(self) -> dict[str, str]:
        folder = Path(self.url.removeprefix("sqlite:///")).parent if self.kind == "sqlite" else Path(tempfile.gettempdir())
        return {
            **os.environ,
            "CRM_DATABASE_URL": self.url,
            "CRM_JOBS_URL": f"sqlite:///{folder / 'bench-jobs.sqlite3'}",
            "CRM_CONFIG": str(folder / "no-crm.toml"),
            "CRM_PLUGINS": "",
        }


def fake_contacts(start: int, count: int, owner_id: int, seed: int = 7) -> list[dict[str, Any]]:
    """Cleaned contact values (what validation would produce), unique primary emails."""
    pick = random.Random(seed + start)
    contacts = []
    for number in range(start, start + count):
        given, family = pick.choice(GIVEN), pick.choice(FAMILY)
        email = f"{given}.{family}.{number}@example{number % 97}.com".lower()
        phone = f"+1415{number % 10_000_000:07d}"
        contacts.append({
            "given_name": given, "family_name": family, "display_name": f"{given} {family}",
            "primary_email": email,
            "emails": [{"address": email, "label": "work"}],
            "phones": [{"number": phone, "label": "mobile"}],
            "job_title": pick.choice(TITLES), "lifecycle_stage": pick.choice(STAGES),
            "owner": owner_id, "tags": pick.sample(TAGS, pick.randint(0, 2)), "source": "bench", "custom": {},
        })
    return contacts


async def load_contacts(count: int, owner_id: int, batch: int = LOAD_BATCH, first: int = 0) -> float:
    """Write ``count`` contacts in transactions of ``batch``; returns the seconds spent writing."""
    from crm_platform.contacts.bulk import write_contacts
    from crm_platform.db.unit import unit_of_work

    spent = 0.0
    for start in range(first, first + count, batch):
        contacts = fake_contacts(start, min(batch, first + count - start), owner_id)
        begun = time.perf_counter()
        async with unit_of_work():
            await write_contacts(owner_id, contacts)
        spent += time.perf_counter() - begun
    return spent


async def fresh_postgres(name: str = POSTGRES_DATABASE) -> str:
    """An empty database ``name`` on the benchmark's server (dropped first if it exists); its URL.
    Each benchmark module uses a name of its own, so none drops another's mid-run."""
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(name: str = POSTGRES_DATABASE) -> None:
    """Remove a benchmark's PostgreSQL database."""
    import asyncpg

    async def drop() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    asyncio.run(drop())


async def _build(kind: str, contacts: int, folder: Path, postgres_database: str) -> Database:
    from crm_platform.db.setup import migrate
    from crm_platform.users import service

    url = await fresh_postgres(postgres_database) if kind == "postgres" else f"sqlite:///{folder / 'bench.sqlite3'}"
    rt = setup_runtime(Settings(database_url=url, jobs_url=f"sqlite:///{folder / 'bench-jobs.sqlite3'}"), plugins=[])
    engine = rt.engine
    if isinstance(engine, PostgresEngine):
        await engine.start()
    try:
        await migrate()
        admin = await service.create_user(ADMIN_EMAIL, "correct horse battery", role="admin")
        token = await service.create_token(ADMIN_EMAIL)
        seconds = await load_contacts(contacts, admin.id)
        if isinstance(engine, PostgresEngine):
            await engine._run_in_new_connection("VACUUM ANALYZE")
        else:
            await engine.write("PRAGMA optimize")
    finally:
        if isinstance(engine, PostgresEngine):
            await engine.stop()
        else:
            engine.close()
    return Database(kind, url, token, admin.id, contacts, seconds)


def build(kind: str, contacts: int, folder: Path, postgres_database: str = POSTGRES_DATABASE) -> Database:
    """A new database of ``kind`` with ``contacts`` contacts (PostgreSQL: ``postgres_database``)."""
    return asyncio.run(_build(kind, contacts, folder, postgres_database))


def postgres_reachable() -> str | None:
    """``None`` when PostgreSQL answers, else the reason it does not."""
    import asyncpg

    async def probe() -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not reachable", with its reason
        return f"{type(exc).__name__}: {exc}"
    return None
