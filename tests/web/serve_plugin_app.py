"""Serve the app with the ``probe`` plugin enabled, for browser tests of what plugins add to
the settings page: a fresh SQLite database, an admin and a member, then uvicorn.

Run as ``python serve_plugin_app.py <database path> <port> <facts.json>``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import uvicorn

from crm_platform.config import Settings

PASSWORD = "correct horse battery"
PLUGINS = ["probe"]


async def seed(facts_path: Path) -> None:
    from crm_platform.db.setup import migrate
    from crm_platform.users import service as users

    await migrate()
    await users.create_user("admin@example.com", PASSWORD, role="admin", display_name="Morgan Admin")
    member = await users.create_user("alice@example.com", PASSWORD, role="member", display_name="Alice Member")
    facts_path.write_text(json.dumps({"member_token": await users.create_token(member.email)}))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(database_url=f"sqlite:///{database}", jobs_url=f"sqlite:///{database.parent / 'jobs.sqlite3'}",
                        secret_key="browser-tests-secret", plugins=",".join(PLUGINS))
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=PLUGINS)
    asyncio.run(seed(facts))
    app = create_app(settings, plugins=PLUGINS)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
