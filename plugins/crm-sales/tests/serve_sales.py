"""Serve the app with the sales plugin for the browser test: a fresh SQLite database, an
admin, one deal, a company and two contacts (one working there), then uvicorn. Run as ``python serve_sales.py <database> <port> <facts.json>``."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import uvicorn

from crm_platform.config import Settings

PASSWORD = "correct horse battery"


async def seed(facts_path: Path) -> None:
    from crm_sales import deals
    from crm_sales.schemas import DealIn

    from crm_platform import runtime
    from crm_platform.companies import service as companies
    from crm_platform.companies.schemas import CompanyIn
    from crm_platform.contacts import service as contacts
    from crm_platform.contacts.schemas import ContactIn
    from crm_platform.db.setup import migrate
    from crm_platform.instance import plugins as plugin_state
    from crm_platform.users import service as users

    await migrate()
    await plugin_state.load(runtime.current().host, {"sales"})  # deals are written only while sales is on
    admin = await users.create_user("admin@example.com", PASSWORD, role="admin", display_name="Morgan Admin")
    deal = await deals.create(admin, DealIn(title="Rooftop solar", amount="18000"))  # type: ignore[arg-type]
    univac = await companies.create(admin, CompanyIn(name="Univac Ltd"))
    grace = await contacts.create(admin, ContactIn(given_name="Grace", family_name="Hopper", company_ids=[univac["id"]]))
    await contacts.create(admin, ContactIn(given_name="Alan", family_name="Turing"))
    # Deleted in another tab while the board still shows it: its drag must fail visibly.
    stale = await deals.create(admin, DealIn(title="Wind farm", amount="9000"))  # type: ignore[arg-type]
    facts_path.write_text(json.dumps({"deal_id": deal["id"], "contact_id": grace["id"], "stale_deal_id": stale["id"]}))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(database_url=f"sqlite:///{database}", jobs_url=f"sqlite:///{database.parent / 'jobs.sqlite3'}",
                        secret_key="browser-tests-secret", plugins="sales")
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=["sales"])
    asyncio.run(seed(facts))
    app = create_app(settings, plugins=["sales"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
