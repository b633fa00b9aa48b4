"""Serve the app with automation and sales for the browser test, with a real ``crm worker``
beside it: a fresh SQLite database, an admin, a contact with an email and a deal of theirs.
Email goes to the SMTP server named by ``AUTOMATION_TEST_SMTP_URL``. Run as
``python serve_automation.py <database> <port> <facts.json>``."""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import subprocess
import sys
from pathlib import Path

import uvicorn

from crm_platform.config import Settings

PASSWORD = "correct horse battery"
PLUGINS = ["automation", "sales"]


async def seed(facts_path: Path) -> None:
    import msgspec
    from crm_sales import deals
    from crm_sales.schemas import DealIn

    from crm_platform import runtime
    from crm_platform.contacts import service as contacts
    from crm_platform.contacts.schemas import ContactIn, EmailAddress
    from crm_platform.db.setup import migrate
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.users import service as users

    await migrate()
    await plugin_state.load(runtime.current().host, set(PLUGINS))
    admin = await users.create_user("admin@example.com", PASSWORD, role="admin", display_name="Morgan Admin")
    ada = await contacts.create(admin, ContactIn(given_name="Ada", family_name="Lovelace",
                                                 emails=[EmailAddress(address="ada@example.com")]))
    deal = await deals.create(admin, msgspec.convert(
        {"title": "Analytical engine", "amount": "5000", "contacts": [{"contact_id": ada["id"]}]}, DealIn))
    facts_path.write_text(json.dumps({"deal_id": deal["id"], "contact_id": ada["id"]}))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    environment = {
        "CRM_DATABASE_URL": f"sqlite:///{database}", "CRM_JOBS_URL": f"sqlite:///{database.parent / 'jobs.sqlite3'}",
        "CRM_SECRET_KEY": "browser-tests-secret", "CRM_PLUGINS": ",".join(PLUGINS),
        "CRM_SMTP_URL": os.environ["AUTOMATION_TEST_SMTP_URL"], "CRM_SMTP_FROM": "CRM <crm@example.com>",
        "CRM_BASE_URL": "http://crm.example.com",
    }
    settings = Settings(database_url=environment["CRM_DATABASE_URL"], jobs_url=environment["CRM_JOBS_URL"],
                        secret_key=environment["CRM_SECRET_KEY"], plugins=environment["CRM_PLUGINS"],
                        smtp_url=environment["CRM_SMTP_URL"], smtp_from=environment["CRM_SMTP_FROM"],
                        base_url=environment["CRM_BASE_URL"])
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=PLUGINS)
    asyncio.run(seed(facts))
    log = open(database.parent / "worker.log", "ab")  # noqa: SIM115 - the worker owns it until it exits
    worker = subprocess.Popen([str(Path(sys.executable).parent / "crm"), "worker", "--workers", "1"],
                              env={**os.environ, **environment}, stdout=log, stderr=log, cwd=database.parent)
    atexit.register(worker.terminate)
    app = create_app(settings, plugins=PLUGINS)
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    finally:
        worker.terminate()
        worker.wait(timeout=10)


if __name__ == "__main__":
    main()
