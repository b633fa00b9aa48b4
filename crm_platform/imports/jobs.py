"""The job that runs a step of an import run on the worker, as the user who started the run."""

from __future__ import annotations

import logging

from crm_platform.errors import Invalid
from crm_platform.imports import engine, rollback, runs
from crm_platform.regional import preferences as regional
from crm_platform.users.service import principal_for_user_id

log = logging.getLogger("crm.imports")


async def run_import(run_id: int, phase: str) -> None:
    """Idempotent: a commit run again resumes from its ledger; a dry run starts over."""
    run = await runs.load(run_id)
    principal = await principal_for_user_id(run["owner"]) if run["owner"] is not None else None
    if principal is None:
        await runs.set_status(run_id, "failed", error="the user who started the import no longer exists")
        return
    # National phone numbers in the file are read in the region of the user who started it.
    preferences = await regional.for_user(principal.id)
    try:
        with regional.using(preferences):
            if phase == "dry":
                await engine.dry_run(run_id, principal)
            elif phase == "commit":
                await engine.commit(run_id, principal)
            elif phase == "rollback":
                await rollback.rollback(run_id, principal)
    except Invalid as exc:
        # The run says why; running the job again would fail the same way.
        log.warning("import run %s (%s) failed: %s", run_id, phase, exc.errors)
        await runs.set_status(run_id, "failed", error="; ".join(exc.errors.values()))
