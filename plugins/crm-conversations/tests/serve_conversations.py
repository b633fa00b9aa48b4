"""Serve the app with the conversations plugin for the browser journey: a fresh SQLite
database, an admin, a contact who writes in, then uvicorn. Run as
``python serve_conversations.py <database> <port> <facts.json>``."""

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
    from crm_platform.db.setup import migrate
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.toolkit import create_record, set_setting
    from crm_platform.users import service as users

    await migrate()
    await plugin_state.load(runtime.current().host, {"conversations"})
    admin = await users.create_user("admin@example.com", PASSWORD, role="admin", display_name="Morgan Admin")
    bjorn = await create_record(admin, "contact", {"given_name": "Björn", "family_name": "Åström",
                                                    "emails": [{"address": "bjorn@example.se", "label": "work"}]})
    await set_setting("conversations", "own_addresses", "acme.example")
    facts_path.write_text(json.dumps({"contact_id": bjorn}))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    folder = database.parent
    settings = Settings(database_url=f"sqlite:///{database}", jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}",
                        secret_key="browser-tests-secret", plugins="conversations", imports_dir=str(folder / "imports"))
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=["conversations"])
    asyncio.run(seed(facts))
    app = create_app(settings, plugins=["conversations"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
