"""Lead scoring: the nightly job ``automation.rescore`` over N contacts whose scores hold
fading points (goal: 1,000,000 in under 2 minutes), on SQLite and, when it is reachable,
PostgreSQL. Every contact is first scored as a change scores it (``scoring.score_of``, in
bulk here: three rules, one fading, each contact's anchor at the same moment), then the job
runs ten days later, when every score fades (so each batch writes every row it reads and
emits a ``LeadScoreChanged`` per contact), and again twenty days later. Wall time and this process's
CPU seconds (the machine is shared; PostgreSQL's own CPU is not counted).

    python -m bench --only scoring            # 100,000 contacts (CRM_BENCH_SCORING_CONTACTS)
    python -m bench --only scoring --quick    # 10,000 contacts
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import tempfile
import time
from pathlib import Path

Row = tuple[str, float, str]
POSTGRES_DATABASE = "crm_bench_scoring"
CONTACTS = 100_000
RULES = [
    {"name": "Decision maker", "points": 30, "half_life_days": 30,
     "conditions": {"any": [{"field": "job_title", "op": "contains", "value": "director"},
                            {"field": "job_title", "op": "contains", "value": "head"},
                            {"field": "job_title", "op": "not_empty"}]}},
    {"name": "Has an email", "points": 10, "conditions": {"all": [{"field": "primary_email", "op": "not_empty"}]}},
    {"name": "Customer", "points": -20, "conditions": {"all": [{"field": "lifecycle_stage", "op": "eq",
                                                                "value": "customer"}]}},
]


async def _run(contacts: int, folder: Path, database_url: str, label: str) -> list[Row]:
    from crm_automation import rescoring, scoring

    from bench._database import load_contacts
    from crm_platform import clock, runtime
    from crm_platform.app import create_app
    from crm_platform.config import Settings
    from crm_platform.db.engine import PostgresEngine
    from crm_platform.db.setup import migrate
    from crm_platform.toolkit import fetch, insert_rows, unit_of_work
    from crm_platform.users import service

    settings = Settings(database_url=database_url, jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}")
    app = create_app(settings, plugins=["automation"])
    engine = runtime.current().engine
    if isinstance(engine, PostgresEngine):
        await engine.start()
    await migrate()
    for hook in app.on_startup:
        await hook()
    admin = await service.create_user("bench@example.com", "correct horse battery", role="admin")
    await load_contacts(contacts, admin.id)
    for rule in RULES:
        await scoring.create_rule(rule)
    rules = await scoring.rules()
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    after = 0
    while records := await fetch("SELECT * FROM crm_contact WHERE id > {} ORDER BY id LIMIT 5000", after):
        after = records[-1]["id"]
        scored = [(record["id"], *scoring.score_of(record, rules, {}, {}, moment)) for record in records]
        async with unit_of_work():
            await insert_rows("automation_score", ("contact", "score", "why", "decaying", "updated_at"),
                              [(i, score, json.dumps(why), scoring.is_decaying(why), moment)
                               for i, score, why in scored])
    if isinstance(engine, PostgresEngine):
        await engine._run_in_new_connection("VACUUM ANALYZE")
    else:
        await engine.write("ANALYZE")
    rows: list[Row] = []
    try:
        for night, days in (("10 days on", 10), ("20 days on", 20)):
            clock.freeze(moment + dt.timedelta(days=days))
            wall, cpu = time.perf_counter(), time.process_time()
            seen = await rescoring.rescore_decaying()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rows.append((f"scoring {label}: {seen:,} contacts, {night}, wall", wall, "s"))
            rows.append((f"scoring {label}: {seen:,} contacts, {night}, CPU", cpu, "s"))
            rows.append((f"scoring {label}: {night}, rate", seen / wall, "contacts/s"))
    finally:
        clock.freeze(None)
    for hook in app.on_shutdown:
        await hook()
    return rows


def run(quick: bool) -> list[Row]:
    from bench._database import drop_postgres, fresh_postgres, postgres_reachable

    logging.getLogger("httpx").setLevel(logging.WARNING)
    contacts = int(os.environ.get("CRM_BENCH_SCORING_CONTACTS") or (10_000 if quick else CONTACTS))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="crm-bench-scoring-") as folder:
        rows += asyncio.run(_run(contacts, Path(folder), f"sqlite:///{Path(folder) / 'scoring.sqlite3'}", "sqlite"))
        if postgres_reachable() is None:
            try:
                rows += asyncio.run(_run(contacts, Path(folder), asyncio.run(fresh_postgres(POSTGRES_DATABASE)),
                                         "postgres"))
            finally:
                drop_postgres(POSTGRES_DATABASE)
    return rows
