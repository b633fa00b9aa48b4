"""Contacts at scale: bulk load, GET one contact against a bare handler, list / search /
timeline latency, and SQL statements per request.

SQLite with 1,000,000 contacts; PostgreSQL beside it (``CRM_BENCH_POSTGRES_CONTACTS``
contacts, 200,000 by default, to keep the run within minutes) when it is reachable.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import traceback
from pathlib import Path

import httpx

from bench import _database, _http
from bench._database import Database
from bench._statements import statement_counts
from crm_platform.records.pagination import encode_cursor

Row = tuple[str, float, str]

SQLITE_CONTACTS = 1_000_000
POSTGRES_CONTACTS = int(os.environ.get("CRM_BENCH_POSTGRES_CONTACTS", "200000"))
QUICK_CONTACTS = 20_000
LATENCY_SAMPLES = 300
TIMELINE_ACTIVITIES = 50


def _throughput(db: Database, seconds: int, rounds: int) -> list[Row]:
    """Our GET /api/v1/contacts/{id} and the bare handler, alternated, each in its own server,
    on uvicorn's pure-Python loop and parser (asyncio, h11) and on the C ones `crm run` uses
    (uvloop, httptools); each ratio compares servers on the same parts."""
    kinds = [_http.PURE_PYTHON, _http.FAST]
    ours: dict[tuple[str, str], list[float]] = {parts: [] for parts in kinds}
    bare: dict[tuple[str, str], list[float]] = {parts: [] for parts in kinds}
    for _ in range(rounds):
        for parts in kinds:
            with _http.served("bench.bare_app:create_app", db.environment, parts) as url:
                bare[parts].append(_http.requests_per_second(url, "/bare/contacts/", db.contacts, None, seconds))
            with _http.served("crm_platform.app:create_app", db.environment, parts) as url:
                ours[parts].append(
                    _http.requests_per_second(url, "/api/v1/contacts/", db.contacts, db.token, seconds))
    rows: list[Row] = []
    for parts in kinds:
        ours_mean, bare_mean = sum(ours[parts]) / rounds, sum(bare[parts]) / rounds
        label = ", ".join(parts)
        rows += [
            (f"{db.kind}: GET /api/v1/contacts/{{id}} ({label})", ours_mean, "req/s"),
            (f"{db.kind}: bare Litestar handler, same row ({label})", bare_mean, "req/s"),
            (f"{db.kind}: GET contact / bare handler ({label})", ours_mean / bare_mean, "ratio (goal >= 0.8)"),
        ]
    fast, pure = (sum(ours[parts]) / rounds for parts in (_http.FAST, _http.PURE_PYTHON))
    rows.append((f"{db.kind}: GET contact, uvloop+httptools / asyncio+h11", fast / pure, "ratio"))
    return rows


def _cursors_anywhere(client: httpx.Client, db: Database) -> list[str]:
    """Cursors after random contacts, so next pages start anywhere in the name order,
    as they do for someone far into a long list."""
    pick = random.Random(13)
    cursors = []
    for _ in range(LATENCY_SAMPLES):
        contact = client.get(f"/api/v1/contacts/{pick.randint(1, db.contacts)}").json()
        cursors.append(encode_cursor(contact["display_name"], contact["id"]))
    return cursors


def _search_words() -> list[str]:
    pick = random.Random(11)
    words = []
    for _ in range(LATENCY_SAMPLES):
        given, family = pick.choice(_database.GIVEN), pick.choice(_database.FAMILY)
        words.append(pick.choice([given[:3], f"{given} {family[:4]}", family[:5], f"{given.lower()}.{family.lower()}"]))
    return words


def _latencies(db: Database, timeline_contact: int | None) -> list[Row]:
    rows: list[Row] = []
    headers = {"Authorization": f"Bearer {db.token}"}
    with _http.served("crm_platform.app:create_app", db.environment) as url, httpx.Client(
        base_url=url, headers=headers, timeout=30
    ) as client:
        first = "/api/v1/contacts?limit=50"
        rows.append((f"{db.kind}: list, first page (50) p95", _http.p95_ms(client, [first] * LATENCY_SAMPLES), "ms"))

        cursors, cursor = [], client.get(first).json()["next_cursor"]
        while cursor and len(cursors) < LATENCY_SAMPLES:
            cursors.append(cursor)
            cursor = client.get("/api/v1/contacts", params={"limit": 50, "cursor": cursor}).json()["next_cursor"]
        next_pages = [f"/api/v1/contacts?limit=50&cursor={cursor}" for cursor in cursors]
        rows.append((f"{db.kind}: list, next pages (50) p95", _http.p95_ms(client, next_pages, warmup=0), "ms"))
        deep_pages = [f"/api/v1/contacts?limit=50&cursor={cursor}" for cursor in _cursors_anywhere(client, db)]
        rows.append((f"{db.kind}: list, next page at any depth (50) p95", _http.p95_ms(client, deep_pages), "ms"))

        paths = client.get("/schema/openapi.json").json()["paths"]
        if "/api/v1/search" in paths:
            searches = [str(httpx.URL("/api/v1/search", params={"q": word})) for word in _search_words()]
            rows.append((f"{db.kind}: GET /api/v1/search p95", _http.p95_ms(client, searches), "ms"))
        else:
            rows.append((f"{db.kind}: search (index.search, in process) p95", _index_search_p95(db), "ms"))

        if timeline_contact is not None:
            timeline = f"/api/v1/contacts/{timeline_contact}/timeline?limit={TIMELINE_ACTIVITIES}"
            rows.append((f"{db.kind}: timeline of 50 p95", _http.p95_ms(client, [timeline] * LATENCY_SAMPLES), "ms"))
    return rows


def _index_search_p95(db: Database) -> float:
    import time

    from crm_platform.app import setup_runtime
    from crm_platform.config import Settings
    from crm_platform.search import index
    from crm_platform.users.service import principal_for_token

    async def measure() -> float:
        rt = setup_runtime(Settings(database_url=db.url), plugins=[])
        if db.kind == "postgres":
            await rt.engine.start()
        principal = await principal_for_token(db.token)
        samples = []
        for word in _search_words():
            begun = time.perf_counter()
            await index.search(principal, word)
            samples.append((time.perf_counter() - begun) * 1000)
        if db.kind == "postgres":
            await rt.engine.stop()
        else:
            rt.engine.close()
        return _http.percentile(samples, 0.95)

    return asyncio.run(measure())


def _bench_engine(kind: str, contacts: int, quick: bool, folder: Path) -> list[Row]:
    db = _database.build(kind, contacts, folder)
    rows: list[Row] = [(f"{kind}: bulk load of {contacts:,} contacts (write_contacts)", contacts / db.load_seconds,
                        "contacts/s")]
    counts, timeline_contact = statement_counts(db, TIMELINE_ACTIVITIES)
    rows += counts
    if _http.wrk_available():
        rows += _throughput(db, seconds=3 if quick else 10, rounds=1 if quick else 3)
    else:
        print("wrk is not installed (apt-get install wrk): GET throughput skipped")
    rows += _latencies(db, timeline_contact)
    return rows


def run(quick: bool) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as folder:
        rows += _bench_engine("sqlite", QUICK_CONTACTS if quick else SQLITE_CONTACTS, quick, Path(folder))
        reason = _database.postgres_reachable()
        if reason is None:
            try:
                rows += _bench_engine("postgres", 5_000 if quick else POSTGRES_CONTACTS, quick, Path(folder))
            except Exception:  # noqa: BLE001 - keep the SQLite figures when PostgreSQL fails half-way
                traceback.print_exc()
                rows.append(("postgres: failed, see the traceback above", 0.0, ""))
            finally:
                _database.drop_postgres()
        else:
            print(f"PostgreSQL skipped: {reason}")
    return rows
