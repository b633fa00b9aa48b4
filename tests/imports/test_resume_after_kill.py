"""A commit killed with ``kill -9`` half-way resumes from its ledger: every row imported
once, none twice. The import runs in a real ``crm import`` process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

from crm_platform.db.raw import fetch

ROWS = 20_000
CLI = "from crm_platform.cli import main; main()"


def _environment(crm_settings, tmp_path):
    return {
        **os.environ, "CRM_DATABASE_URL": crm_settings.database_url, "CRM_JOBS_URL": crm_settings.jobs_url,
        "CRM_PLUGINS": "", "CRM_CONFIG": str(tmp_path / "no-crm.toml"), "CRM_IMPORTS_DIR": str(tmp_path / "imports"),
    }


async def _ledger_rows() -> int:
    rows = await fetch("SELECT count(*) AS n FROM crm_import_row WHERE phase = 'commit'")
    return rows[0]["n"]


async def test_a_commit_killed_half_way_resumes_with_nothing_duplicated_or_lost(
    crm_app, crm_admin, crm_settings, tmp_path, write_csv
):
    path = write_csv([["First name", "Email"], *([f"P{n}", f"p{n}@example.com"] for n in range(ROWS))])
    environment = _environment(crm_settings, tmp_path)
    command = [sys.executable, "-c", CLI, "import", str(path), "--mapping", "First name=given_name,Email=email"]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(1200):
            if await _ledger_rows() > 0 or process.poll() is not None:
                break
            await asyncio.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    killed_at = await _ledger_rows()
    assert 0 < killed_at < ROWS, process.stderr.read().decode() if process.stderr else ""
    run = (await fetch("SELECT id, status, rows_done FROM crm_import_run"))[0]
    assert run["status"] == "committing" and run["rows_done"] == killed_at
    assert (await fetch("SELECT count(*) AS n FROM crm_contact"))[0]["n"] == killed_at

    resumed = subprocess.run([sys.executable, "-c", CLI, "import", "--resume", str(run["id"])], env=environment,
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"done: {ROWS} create, 0 update, 0 skip, 0 error" in resumed.stdout
    counts = (await fetch(
        "SELECT count(*) AS n, count(DISTINCT primary_email) AS emails FROM crm_contact"))[0]
    assert counts == {"n": ROWS, "emails": ROWS}
    ledger = (await fetch(
        "SELECT count(*) AS n, count(DISTINCT row_number) AS numbers, max(row_number) AS last FROM crm_import_row "
        "WHERE phase = 'commit'"))[0]
    assert ledger == {"n": ROWS, "numbers": ROWS, "last": ROWS}
    assert (await fetch("SELECT status FROM crm_import_run"))[0]["status"] == "committed"
