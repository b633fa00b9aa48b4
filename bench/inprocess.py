"""Per-request cost of GET contact without a server, ours against the bare handler; with
``--profile``, where ours spends it (``cProfile``).

    python -m bench.inprocess [--contacts 5000] [--requests 3000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import _database, bare_app

Call = Callable[[str], Awaitable[None]]


def _caller(app: Any, token: str | None = None) -> Call:
    headers = [(b"host", b"bench")] + ([(b"authorization", f"Bearer {token}".encode())] if token else [])

    async def call(path: str) -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await app(scope, receive, send)
        if sent[0]["status"] != 200:
            raise RuntimeError(f"{path}: {sent}")

    return call


async def _microseconds(call: Call, paths: list[str]) -> float:
    for path in paths[:300]:
        await call(path)
    begun = time.perf_counter()
    for path in paths:
        await call(path)
    return (time.perf_counter() - begun) / len(paths) * 1e6


async def _measure(db: _database.Database, requests: int, profile: bool) -> None:
    from crm_platform.app import create_app
    from crm_platform.config import Settings

    os.environ["CRM_DATABASE_URL"] = db.url
    ours = create_app(Settings(database_url=db.url), plugins=[])
    for hook in ours.on_startup:
        await hook()
    ours_call, bare_call = _caller(ours, db.token), _caller(bare_app.create_app())
    ids = [1 + number % db.contacts for number in range(requests)]
    print(f"bare  GET /health              {await _microseconds(bare_call, ['/health'] * requests):8.1f} us")
    print(f"ours  GET /health              {await _microseconds(ours_call, ['/health'] * requests):8.1f} us")
    print(f"bare  GET contact              {await _microseconds(bare_call, [f'/bare/contacts/{i}' for i in ids]):8.1f} us")
    print(f"ours  GET /api/v1/contacts/id  {await _microseconds(ours_call, [f'/api/v1/contacts/{i}' for i in ids]):8.1f} us")
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for contact_id in ids:
            await ours_call(f"/api/v1/contacts/{contact_id}")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats("crm_platform|middleware", 40)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as folder:
        db = _database.build("sqlite", args.contacts, Path(folder))
        asyncio.run(_measure(db, args.requests, args.profile))


if __name__ == "__main__":
    main()
