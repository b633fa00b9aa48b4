"""The healthcare plugin's read audit on a contact page: what the plugin adds to the p95 of a
patient's contact page and of ``GET /api/v1/contacts/{id}``, with the plugin enabled against
disabled, in one run on one database (the rounds alternate, so drift hits both alike). With the
plugin enabled every read logs its read-audit row and masks the member id; the page also
renders the "Patient care" panel. Issue goal: the read audit adds at most 2 ms p95.

    python -m bench --only healthcare            # 2,000 patients
    python -m bench --only healthcare --quick    # 200 patients
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path

Row = tuple[str, float, str]
ROUNDS, BLOCK = 400, 20


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def _p50(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def _load(patients: int, owner_id: int) -> None:
    from crm_platform.toolkit import create_records, principal_for

    owner = await principal_for(owner_id)
    items = [
        {"given_name": "Bench", "family_name": f"Patient {number}", "display_name": "", "emails": [], "phones": [],
         "job_title": "", "source": "bench", "lifecycle_stage": "customer", "tags": [], "custom": {
             "healthcare_member_id": f"BENCH-{number:06d}", "healthcare_insurer": "Example Health",
             "healthcare_date_of_birth": "1970-01-01", "healthcare_preferred_channel": "email"}}
        for number in range(patients)
    ]
    for start in range(0, patients, 500):
        await create_records(owner, "contact", items[start : start + 500])


async def _hook_samples(admin, ids: list[int], host) -> dict[bool, list[float]]:
    """The read audit alone: the two announcements a contact page makes (the record and its
    history), timed around the core's calls, with the plugin enabled against disabled."""
    from crm_platform.contacts import service as contacts
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.records.reads import announce_history, announce_read
    from crm_platform.toolkit import audit_history

    records = {contact_id: await contacts.get(admin, contact_id) for contact_id in ids[:BLOCK]}
    history = {contact_id: await audit_history("contact", contact_id, 20) for contact_id in records}
    samples: dict[bool, list[float]] = {True: [], False: []}
    for block in range(ROUNDS // BLOCK):
        for enabled in (block % 2 == 0, block % 2 == 1):
            await plugin_state.set_enabled(host, "healthcare", enabled)
            for contact_id, record in records.items():
                shown = {**record, "custom": dict(record["custom"])}
                begun = time.perf_counter()
                await announce_read(admin, "contact", [shown], "page", None)
                await announce_history(admin, "contact", contact_id, history[contact_id], None)
                samples[enabled].append(time.perf_counter() - begun)
    return samples


async def _run(quick: bool, folder: Path) -> list[Row]:
    from crm_platform import runtime
    from crm_platform.app import create_app
    from crm_platform.config import Settings
    from crm_platform.db.setup import migrate
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.testing import client_for
    from crm_platform.toolkit import fetch
    from crm_platform.users import service

    patients = 200 if quick else 2_000
    settings = Settings(database_url=f"sqlite:///{folder / 'healthcare.sqlite3'}",
                        jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}")
    app = create_app(settings, plugins=["healthcare"])
    await migrate()
    for hook in app.on_startup:
        await hook()
    host = runtime.current().host
    await plugin_state.set_enabled(host, "healthcare", True)
    admin = await service.create_user("bench@example.com", "correct horse battery", role="admin")
    await _load(patients, admin.id)
    ids = [row["id"] for row in await fetch("SELECT id FROM crm_contact ORDER BY id")]
    samples: dict[tuple[str, bool], list[float]] = {}
    async with client_for(app, await service.create_token("bench@example.com")) as client:
        for name, path in (("contact page", "/contacts/{}"), ("contact API read", "/api/v1/contacts/{}")):
            for enabled in (True, False):  # warm both
                await plugin_state.set_enabled(host, "healthcare", enabled)
                (await client.get(path.format(ids[0]))).raise_for_status()
            for block in range(ROUNDS // BLOCK):
                for enabled in (block % 2 == 0, block % 2 == 1):
                    await plugin_state.set_enabled(host, "healthcare", enabled)
                    for number in range(BLOCK):
                        contact_id = ids[(block * BLOCK + number) % len(ids)]
                        begun = time.perf_counter()
                        response = await client.get(path.format(contact_id))
                        samples.setdefault((name, enabled), []).append(time.perf_counter() - begun)
                        response.raise_for_status()
    read_hooks = await _hook_samples(admin, ids, host)
    logged = (await fetch("SELECT count(*) AS n FROM healthcare_read_log"))[0]["n"]
    for hook in app.on_shutdown:
        await hook()
    rows: list[Row] = []
    for name in ("contact page", "contact API read"):
        without, with_plugin = _p95(samples[(name, False)]), _p95(samples[(name, True)])
        rows += [
            (f"healthcare sqlite {patients:,} patients: {name}, without the plugin, p95", without, "ms"),
            (f"healthcare sqlite {patients:,} patients: {name}, with the plugin, p95", with_plugin, "ms"),
            (f"healthcare sqlite {patients:,} patients: {name}, added by the plugin, p95", with_plugin - without, "ms"),
            (f"healthcare sqlite {patients:,} patients: {name}, with / without", with_plugin / without, "x"),
            (f"healthcare sqlite {patients:,} patients: {name}, added by the plugin, p50",
             _p50(samples[(name, True)]) - _p50(samples[(name, False)]), "ms"),
        ]
    without, with_plugin = _p95(read_hooks[False]), _p95(read_hooks[True])
    rows += [
        (f"healthcare sqlite {patients:,} patients: the read hooks of one contact page, without, p95", without, "ms"),
        (f"healthcare sqlite {patients:,} patients: the read hooks of one contact page, with (mask + audit row), p95",
         with_plugin, "ms"),
        (f"healthcare sqlite {patients:,} patients: the read hooks of one contact page, with, p50",
         _p50(read_hooks[True]), "ms"),
        (f"healthcare sqlite {patients:,} patients: read-audit rows written", logged, "rows"),
    ]
    return rows


def run(quick: bool) -> list[Row]:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="crm-bench-healthcare-") as folder:
        return asyncio.run(_run(quick, Path(folder)))
