"""Every sort of the contact list at scale: the first page and next pages at any depth, p95.

Each sort pages by keyset on its ``(column, id)`` index, so a page deep in the list should cost
what the first one does. SQLite with ``CRM_BENCH_SORT_CONTACTS`` contacts (1,000,000 by
default); PostgreSQL beside it with ``CRM_BENCH_POSTGRES_CONTACTS`` (200,000) when reachable.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import traceback
from pathlib import Path

import httpx

from bench import _database, _http
from bench._database import Database
from crm_platform.contacts.listing import SORTABLE
from crm_platform.records.pagination import encode_cursor

Row = tuple[str, float, str]

SQLITE_CONTACTS = int(os.environ.get("CRM_BENCH_SORT_CONTACTS", "1000000"))
POSTGRES_CONTACTS = int(os.environ.get("CRM_BENCH_POSTGRES_CONTACTS", "200000"))
QUICK_CONTACTS = 20_000
SAMPLES = 150
POSTGRES_DATABASE = "crm_bench_sorts"


def _value(contact: dict, column: str) -> object:
    value = contact[column]
    return dt.datetime.fromisoformat(value) if column.endswith("_at") else value


def _deep_cursors(client: httpx.Client, db: Database, column: str) -> list[str]:
    """Cursors after random contacts: next pages that start anywhere in the sort order."""
    pick = random.Random(17)
    cursors = []
    for _ in range(SAMPLES):
        contact = client.get(f"/api/v1/contacts/{pick.randint(1, db.contacts)}").json()
        cursors.append(encode_cursor(_value(contact, column), contact["id"]))
    return cursors


def _latencies(db: Database) -> list[Row]:
    rows: list[Row] = []
    headers = {"Authorization": f"Bearer {db.token}"}
    with _http.served("crm_platform.app:create_app", db.environment) as url, httpx.Client(
        base_url=url, headers=headers, timeout=30
    ) as client:
        for column in SORTABLE:
            cursors = _deep_cursors(client, db, column)
            for sort in (column, f"-{column}"):
                first = str(httpx.URL("/api/v1/contacts", params={"limit": 50, "sort": sort}))
                rows.append((f"{db.kind}: sort={sort}, first page p95", _http.p95_ms(client, [first] * SAMPLES), "ms"))
                deep = [str(httpx.URL("/api/v1/contacts", params={"limit": 50, "sort": sort, "cursor": cursor}))
                        for cursor in cursors]
                rows.append((f"{db.kind}: sort={sort}, page at any depth p95", _http.p95_ms(client, deep), "ms"))
    return rows


def run(quick: bool) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-sorts-") as folder:
        db = _database.build("sqlite", QUICK_CONTACTS if quick else SQLITE_CONTACTS, Path(folder))
        rows.append(("sqlite: contacts loaded for the sorts", float(db.contacts), "contacts"))
        rows += _latencies(db)
        reason = _database.postgres_reachable()
        if reason is None:
            try:
                db = _database.build("postgres", 5_000 if quick else POSTGRES_CONTACTS, Path(folder),
                                     postgres_database=POSTGRES_DATABASE)
                rows.append(("postgres: contacts loaded for the sorts", float(db.contacts), "contacts"))
                rows += _latencies(db)
            except Exception:  # noqa: BLE001 - keep the SQLite figures when PostgreSQL fails half-way
                traceback.print_exc()
                rows.append(("postgres: failed, see the traceback above", 0.0, ""))
            finally:
                _database.drop_postgres(POSTGRES_DATABASE)
        else:
            print(f"PostgreSQL skipped: {reason}")
    return rows
