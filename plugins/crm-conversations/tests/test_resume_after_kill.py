"""``crm conversations import`` killed with ``kill -9`` half-way, then resumed: every message
once, each on its contact's timeline once, none lost. Runs a real process on both engines."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest
from mail import eml

from crm_platform.toolkit import fetch

pytestmark = pytest.mark.postgres

MESSAGES = 600
CLI = "from crm_platform.cli import main; main()"


def _environment(crm_settings, tmp_path):
    return {
        **os.environ, "CRM_DATABASE_URL": crm_settings.database_url, "CRM_JOBS_URL": crm_settings.jobs_url,
        "CRM_PLUGINS": "conversations", "CRM_CONFIG": str(tmp_path / "no-crm.toml"),
        "CRM_IMPORTS_DIR": str(tmp_path / "imports"),
    }


async def _ledger_rows() -> int:
    return (await fetch("SELECT count(*) AS n FROM crm_import_row WHERE phase = 'commit'"))[0]["n"]


async def test_an_import_killed_half_way_resumes_with_nothing_twice_or_lost(
    crm_running_app, crm_client, crm_settings, tmp_path
):
    for n in range(10):
        response = await crm_client.post("/api/v1/contacts", json={
            "display_name": f"Person {n}", "emails": [{"address": f"p{n}@example.org", "label": "work"}]})
        assert response.status_code == 201
    path = tmp_path / "big.mbox"
    with path.open("w") as file:
        for n in range(MESSAGES):
            file.write("From x@example.org Tue Dec  1 10:00:00 2026\n")
            file.write(eml(f"<m{n}@example.org>", f"p{n % 10}@example.org", subject=f"Message {n}") + "\n")
    environment = _environment(crm_settings, tmp_path)
    process = subprocess.Popen([sys.executable, "-c", CLI, "conversations", "import", str(path)], env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    assert 0 < killed_at < MESSAGES, process.stderr.read().decode() if process.stderr else ""
    assert (await fetch("SELECT count(*) AS n FROM conversations_message"))[0]["n"] == killed_at
    run = (await fetch("SELECT id, status FROM crm_import_run"))[0]
    assert run["status"] == "committing"

    resumed = subprocess.run([sys.executable, "-c", CLI, "conversations", "import", "--resume", str(run["id"])],
                             env=environment, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{MESSAGES} linked or kept, 0 skipped, 0 failed" in resumed.stdout
    messages = (await fetch(
        "SELECT count(*) AS n, count(DISTINCT message_id) AS ids, count(activity) AS linked FROM conversations_message"))[0]
    assert messages == {"n": MESSAGES, "ids": MESSAGES, "linked": MESSAGES}
    activities = (await fetch(
        "SELECT count(*) AS n, count(DISTINCT external_id) AS ids FROM crm_activity WHERE source = 'conversations'"))[0]
    assert activities == {"n": MESSAGES, "ids": MESSAGES}
