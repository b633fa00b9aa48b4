""""Select all N matching" at scale: a bulk action on 100,000 contacts of a 1,000,000-contact
list, as the job ``core.bulk_action`` runs it (each record through the write pipeline:
checked, audited, indexed, announced).

SQLite with ``CRM_BENCH_BULK_CONTACTS`` contacts (1,000,000 by default), of which the first
``CRM_BENCH_BULK_SELECTED`` (100,000) the filter matches get a tag. Reported: the count the
bulk bar shows, reading the ids, and the job's records per second.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from bench import _database

Row = tuple[str, float, str]

CONTACTS = int(os.environ.get("CRM_BENCH_BULK_CONTACTS", "1000000"))
SELECTED = int(os.environ.get("CRM_BENCH_BULK_SELECTED", "100000"))
QUICK = (20_000, 2_000)


async def _measure(db: _database.Database, folder: Path, selected: int) -> list[Row]:
    from crm_platform.app import setup_runtime
    from crm_platform.bulk import service as bulk_service
    from crm_platform.config import Settings
    from crm_platform.contacts import bulk
    from crm_platform.contacts.listing import ContactFilters
    from crm_platform.db.raw import execute, fetch
    from crm_platform.users.service import principal_for_user_id

    rt = setup_runtime(Settings(database_url=db.url, jobs_url=f"sqlite:///{folder / 'bench-jobs.sqlite3'}"), plugins=[])
    try:
        admin = await principal_for_user_id(db.admin_id)
        assert admin is not None
        # The loader's phone numbers are only shaped like numbers; an edit checks them in full.
        await execute("UPDATE crm_contact SET phones = '[]'")
        filters = ContactFilters(tag="vip")
        begun = time.perf_counter()
        matching = await bulk.matching_count(admin, filters)
        count_ms = (time.perf_counter() - begun) * 1000
        begun = time.perf_counter()
        ids = await bulk.matching_ids(admin, filters, selected)
        ids_ms = (time.perf_counter() - begun) * 1000
        run_id = await bulk_service.start(admin, "contact", ids, "tag", {"tag": "bench-bulk"})
        begun = time.perf_counter()
        await bulk_service.run_bulk_action(run_id)
        seconds = time.perf_counter() - begun
        run = await bulk_service.load(run_id)
        assert run is not None and run["state"] == "done", (run or {}).get("error")
        tagged = await fetch("SELECT count(*) AS n FROM crm_contact WHERE tags LIKE {}", '%"bench-bulk"%')
        assert int(tagged[0]["n"]) == len(ids) == run["changed"], (tagged, len(ids), run["changed"])
    finally:
        rt.engine.close()
    return [
        ("sqlite: contacts the filter matches (tag=vip)", float(matching), "contacts"),
        ("sqlite: counting them for the bulk bar", count_ms, "ms"),
        ("sqlite: reading the ids selected", ids_ms, "ms"),
        ("sqlite: contacts tagged by the bulk job", float(run["changed"]), "contacts"),
        ("sqlite: bulk job, whole run", seconds, "s"),
        ("sqlite: bulk job, contacts per second", run["changed"] / seconds, "contacts/s"),
    ]


def run(quick: bool) -> list[Row]:
    contacts, selected = QUICK if quick else (CONTACTS, SELECTED)
    with tempfile.TemporaryDirectory(prefix="crm-bench-bulk-") as folder:
        db = _database.build("sqlite", contacts, Path(folder))
        rows: list[Row] = [("sqlite: contacts loaded", float(db.contacts), "contacts")]
        return rows + asyncio.run(_measure(db, Path(folder), selected))
