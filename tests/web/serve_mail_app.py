"""Serve the app with email on, for the browser test of notifications: a task assigned to a
member falls due, the worker's minute runs (reminders, then the email job, through the SMTP
server whose URL the test wrote to ``smtp_url.txt`` beside the database), then uvicorn serves.

Run as ``python serve_mail_app.py <database path> <port> <facts.json>``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from pathlib import Path

import uvicorn

from crm_platform.config import Settings

PASSWORD = "correct horse battery"


async def seed(facts_path: Path) -> None:
    from crm_platform.activities import service as activities
    from crm_platform.activities.schemas import ActivityIn
    from crm_platform.contacts import service as contacts
    from crm_platform.contacts.schemas import ContactIn
    from crm_platform.db.setup import migrate
    from crm_platform.jobs.due import run_due_jobs
    from crm_platform.users import service as users

    await migrate()
    admin = await users.create_user("admin@example.com", PASSWORD, role="admin", display_name="Morgan Admin")
    alice = await users.create_user("alice@example.com", PASSWORD, role="member", display_name="Alice Member")
    grace = await contacts.create(admin, ContactIn(given_name="Grace", family_name="Hopper"))
    await activities.create(admin, ActivityIn(
        type="task", subject="Send Grace the contract", due_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
        assignee_id=alice.id, links=[{"record_type": "contact", "record_id": grace["id"]}]))
    outcomes = await run_due_jobs()  # what `crm worker` does at the next minute
    failed = [outcome for outcome in outcomes if not outcome.ok]
    assert not failed, failed
    facts_path.write_text(json.dumps({"grace_id": grace["id"]}))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(
        database_url=f"sqlite:///{database}", jobs_url=f"sqlite:///{database.parent / 'jobs.sqlite3'}",
        secret_key="browser-tests-secret", plugins="", smtp_url=(database.parent / "smtp_url.txt").read_text(),
        smtp_from="CRM <crm@example.com>", base_url=f"http://127.0.0.1:{port}",
    )
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=[])
    asyncio.run(seed(facts))
    app = create_app(settings, plugins=[])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
