"""The baseline: a bare Litestar handler reading one contact row with the stdlib ``sqlite3``
module (or asyncpg on PostgreSQL), served exactly like the platform.

    CRM_DATABASE_URL=sqlite:///var/crm.sqlite3 uvicorn --factory bench.bare_app:create_app
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from litestar import Litestar, get
from litestar.exceptions import NotFoundException


def _sqlite_app(path: str) -> Litestar:
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.row_factory = sqlite3.Row

    @get("/bare/contacts/{contact_id:int}", sync_to_thread=False)
    def contact(contact_id: int) -> dict[str, Any]:
        row = connection.execute("SELECT * FROM crm_contact WHERE id = ?", (contact_id,)).fetchone()
        if row is None:
            raise NotFoundException()
        return dict(row)

    @get("/health", sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar([contact, health])


def _postgres_app(url: str) -> Litestar:
    import asyncpg

    pool: list[asyncpg.Pool] = []

    async def start() -> None:
        pool.append(await asyncpg.create_pool(url, min_size=2, max_size=10))

    @get("/bare/contacts/{contact_id:int}")
    async def contact(contact_id: int) -> dict[str, Any]:
        row = await pool[0].fetchrow("SELECT * FROM crm_contact WHERE id = $1", contact_id)
        if row is None:
            raise NotFoundException()
        return dict(row)

    @get("/health", sync_to_thread=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar([contact, health], on_startup=[start])


def create_app() -> Litestar:
    url = os.environ["CRM_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        return _sqlite_app(url.removeprefix("sqlite:///"))
    return _postgres_app(url)
