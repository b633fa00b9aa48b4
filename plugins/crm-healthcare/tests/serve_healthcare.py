"""Serve the app with the healthcare plugin for the browser journey: a fresh SQLite database, a
clinician (a manager of the team "Clinic", holding healthcare.clinical), a receptionist (a member
of "Clinic", without it) and one fictional patient, then uvicorn.
Run as ``python serve_healthcare.py <database> <port> <facts.json>``."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import uvicorn
from crm_platform.config import Settings

PASSWORD = "correct horse battery"


async def seed(facts_path: Path) -> None:
    from crm_platform import runtime
    from crm_platform.contacts import service as contacts
    from crm_platform.contacts.schemas import ContactIn
    from crm_platform.db.setup import migrate
    from crm_platform.instance import permissions
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.users import service as users

    await migrate()
    await plugin_state.load(runtime.current().host, {"healthcare"})
    await permissions.set_roles("healthcare.clinical", ["admin", "manager"])
    await users.create_user("doc@example.com", PASSWORD, role="manager", team="Clinic", display_name="Dana Doctor")
    desk = await users.create_user("desk@example.com", PASSWORD, role="member", team="Clinic",
                                   display_name="Robin Reception")
    patient = await contacts.create(desk, ContactIn(given_name="Fictional", family_name="Patient", custom={
        "healthcare_member_id": "MEM-777777", "healthcare_insurer": "Example Health (fictional)"}))
    facts_path.write_text(json.dumps({"patient_id": patient["id"]}))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(database_url=f"sqlite:///{database}", jobs_url=f"sqlite:///{database.parent / 'jobs.sqlite3'}",
                        secret_key="browser-tests-secret", plugins="healthcare")
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=["healthcare"])
    asyncio.run(seed(facts))
    app = create_app(settings, plugins=["healthcare"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
