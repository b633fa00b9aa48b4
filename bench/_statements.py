"""SQL statements per request, counted in process with ``engine.statements_run``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx

from bench._database import Database

Row = tuple[str, float, str]


async def _statements_for(engine, call: Callable[[], Awaitable[httpx.Response]]) -> int:
    # The fewest of a few tries: the plugin state is re-read every couple of seconds by
    # whichever request comes then, which is not the cost of this request.
    counts = []
    for _ in range(3):
        before = engine.statements_run
        response = await call()
        response.raise_for_status()
        counts.append(engine.statements_run - before)
    return min(counts)


async def _seed_timeline(client: httpx.AsyncClient, contact_id: int, count: int) -> bool:
    for number in range(count):
        response = await client.post("/api/v1/activities", json={
            "type": "note", "subject": f"note {number}", "links": [{"record_type": "contact", "record_id": contact_id}],
        })
        if response.status_code != 201:
            print(f"timeline skipped: POST /api/v1/activities answered {response.status_code}: {response.text[:200]}")
            return False
    return True


async def _count(db: Database, timeline_size: int) -> tuple[list[Row], int | None]:
    from crm_platform import runtime
    from crm_platform.app import create_app
    from crm_platform.config import Settings

    app = create_app(Settings(database_url=db.url), plugins=[])
    engine = runtime.current().engine
    for hook in app.on_startup:
        await hook()
    rows: list[Row] = []
    timeline_contact = None
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {db.token}"}
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
            for limit in (10, 100):
                count = await _statements_for(engine, lambda limit=limit: client.get("/api/v1/contacts", params={"limit": limit}))
                rows.append((f"{db.kind}: statements, list page of {limit}", count, "statements"))
            count = await _statements_for(engine, lambda: client.get("/api/v1/contacts/1"))
            rows.append((f"{db.kind}: statements, GET contact", count, "statements"))
            paths = (await client.get("/schema/openapi.json")).json()["paths"]
            if "/api/v1/contacts/{contact_id}/timeline" in paths and "/api/v1/activities" in paths:
                small, large = 2, 3
                if await _seed_timeline(client, small, 5) and await _seed_timeline(client, large, timeline_size):
                    timeline_contact = large
                    for contact_id, size in ((small, 5), (large, timeline_size)):
                        path = f"/api/v1/contacts/{contact_id}/timeline"
                        count = await _statements_for(engine, lambda path=path: client.get(path, params={"limit": 50}))
                        rows.append((f"{db.kind}: statements, timeline of {size}", count, "statements"))
            else:
                print("timeline skipped: no /api/v1/contacts/{id}/timeline or /api/v1/activities yet")
    finally:
        for hook in app.on_shutdown:
            await hook()
        if db.kind == "sqlite":
            engine.close()
    return rows, timeline_contact


def statement_counts(db: Database, timeline_size: int) -> tuple[list[Row], int | None]:
    """Statements for list pages of 10 and 100, GET contact, and (when the API has it) a
    timeline of 5 and of ``timeline_size``; also returns the contact whose timeline was seeded."""
    return asyncio.run(_count(db, timeline_size))
