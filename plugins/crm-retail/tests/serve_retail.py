"""Serve the app with the retail plugin for the browser test: a fresh SQLite database, an
admin and two customers known by email, then uvicorn. Run as ``python serve_retail.py
<database> <port> <facts.json>``."""

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
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.users import service as users

    await migrate()
    await plugin_state.load(runtime.current().host, {"retail"})
    admin = await users.create_user("admin@example.com", PASSWORD, role="admin", display_name="Morgan Admin")
    ada = await contacts.create(admin, ContactIn(given_name="Ada", family_name="Lovelace",
                                                 emails=[{"address": "ada@example.com"}]))
    await contacts.create(admin, ContactIn(given_name="Grace", family_name="Hopper",
                                           emails=[{"address": "grace@example.com"}]))
    facts_path.write_text(json.dumps({"contact_id": ada["id"]}))


def settings_for(database: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{database}", jobs_url=f"sqlite:///{database.parent / 'jobs.sqlite3'}",
                    secret_key="browser-tests-secret", plugins="retail", imports_dir=str(database.parent / "imports"))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    settings = settings_for(database)
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=["retail"])
    asyncio.run(seed(facts))
    app = create_app(settings, plugins=["retail"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
