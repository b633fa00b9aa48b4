"""What one write costs through the API: create and change a contact, log an activity, on SQLite,
in process (no HTTP server), with the statements each write runs.

    python -m bench --only writes
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from bench import _database

Row = tuple[str, float, str]
CONTACTS = 5_000
WRITES = 600


async def _timed(
    client: httpx.AsyncClient, engine, requests: list[tuple[str, str, dict]], ids: list[int]
) -> tuple[float, float]:
    """Mean microseconds and statements per request, after a tenth of them as a warm-up; the
    ids of what was created are added to ``ids``."""
    warm = len(requests) // 10
    for method, path, body in requests[:warm]:
        response = await client.request(method, path, json=body)
        response.raise_for_status()
        ids.append(response.json()["id"])
    before, begun = engine.statements_run, time.perf_counter()
    for method, path, body in requests[warm:]:
        response = await client.request(method, path, json=body)
        response.raise_for_status()
        ids.append(response.json()["id"])
    count = len(requests) - warm
    return (time.perf_counter() - begun) / count * 1e6, (engine.statements_run - before) / count


async def _measure(db: _database.Database, writes: int) -> list[Row]:
    from crm_platform import runtime
    from crm_platform.app import create_app
    from crm_platform.config import Settings

    app = create_app(Settings(database_url=db.url, jobs_url=f"sqlite:///{Path(tempfile.gettempdir()) / 'bw.sqlite3'}"),
                     plugins=[])
    for hook in app.on_startup:
        await hook()
    engine = runtime.current().engine
    headers = {"Authorization": f"Bearer {db.token}"}
    transport = httpx.ASGITransport(app=app)
    rows: list[Row] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
        created: list[int] = []
        creates = [
            ("POST", "/api/v1/contacts", {"given_name": f"Writer {n}", "emails": [{"address": f"w{n}@bench.example"}],
                                          "phones": [{"number": "+44 20 7946 0958"}], "tags": ["bench"]})
            for n in range(writes)
        ]
        rows += _rows("create contact", await _timed(client, engine, creates, created))
        # Changes and activities go to the contacts just made: the generated ones' phones are
        # not all valid numbers, and a change validates the whole contact.
        updates = [("PATCH", f"/api/v1/contacts/{created[n % len(created)]}", {"job_title": f"Title {n}"})
                   for n in range(writes)]
        rows += _rows("change contact", await _timed(client, engine, updates, []))
        activities = [("POST", "/api/v1/activities", {"type": "call", "subject": f"Call {n}",
                                                      "participant_ids": [created[n % len(created)]]})
                      for n in range(writes)]
        rows += _rows("log activity", await _timed(client, engine, activities, []))
    for hook in app.on_shutdown:
        await hook()
    return rows


def _rows(name: str, measured: tuple[float, float]) -> list[Row]:
    micros, statements = measured
    return [(f"sqlite {name}, mean", micros, "us"), (f"sqlite {name}, statements", statements, "per write")]


def run(quick: bool) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="crm-bench-writes-") as folder:
        db = _database.build("sqlite", 1_000 if quick else CONTACTS, Path(folder))
        return asyncio.run(_measure(db, 100 if quick else WRITES))
