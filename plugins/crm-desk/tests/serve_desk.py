"""Serve the app with the desk plugin for the browser test: a fresh SQLite database, an admin
and a second agent, then uvicorn. Run as ``python serve_desk.py <database> <port> <facts.json>``."""

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
    from crm_platform.users import service as users

    await migrate()
    await plugin_state.load(runtime.current().host, {"desk"})
    admin = await users.create_user("admin@example.com", PASSWORD, role="admin", display_name="Morgan Admin")
    agent = await users.create_user("sam@example.com", PASSWORD, role="manager", display_name="Sam Agent")
    facts_path.write_text(json.dumps({"admin_id": admin.id, "agent_id": agent.id}))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(database_url=f"sqlite:///{database}", jobs_url=f"sqlite:///{database.parent / 'jobs.sqlite3'}",
                        secret_key="browser-tests-secret", plugins="desk")
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=["desk"])
    asyncio.run(seed(facts))
    app = create_app(settings, plugins=["desk"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
