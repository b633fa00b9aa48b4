"""Serve the app for browser tests: migrate a fresh SQLite database, add a few people and
records, write what the tests need to know to a JSON file, then run uvicorn.

Run as ``python serve_app.py <database path> <port> <facts.json>``.
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
    from crm_platform.companies import service as companies
    from crm_platform.companies.schemas import CompanyIn
    from crm_platform.contacts import service as contacts
    from crm_platform.contacts.schemas import ContactIn, EmailAddress, PhoneNumber
    from crm_platform.db.setup import migrate
    from crm_platform.relationships import service as relationships
    from crm_platform.relationships.schemas import RecordRef, RelationshipIn
    from crm_platform.users import service as users

    await migrate()
    admin = await users.create_user("admin@example.com", PASSWORD, role="admin", display_name="Morgan Admin")
    # Signs in for the screenshots, so the journey's choice of theme does not show in them.
    await users.create_user("jordan@example.com", PASSWORD, role="admin", display_name="Jordan Lee")
    await users.create_user("alice@example.com", PASSWORD, role="member", display_name="Alice Member", team="North")
    bob = await users.create_user("bob@example.com", PASSWORD, role="member", display_name="Bob Member", team="South")
    group = await companies.create(admin, CompanyIn(name="Northwind Group", domains=["northwind.example"],
                                                    industry="Logistics"))
    northwind = await companies.create(admin, CompanyIn(name="Northwind Freight", domains=["freight.northwind.example"],
                                                        industry="Logistics", parent_id=group["id"]))
    people = [
        ("Grace", "Hopper", "grace@northwind.example", "Head of Operations", "customer", ["vip"]),
        ("Alan", "Turing", "alan@northwind.example", "Data Lead", "prospect", []),
        ("Katherine", "Johnson", "katherine@example.org", "Analyst", "lead", ["conference"]),
        ("Edsger", "Dijkstra", "edsger@example.net", "Consultant", "lead", []),
    ]
    made = []
    for given, family, email, title, stage, tags in people:
        made.append(await contacts.create(admin, ContactIn(
            given_name=given, family_name=family, emails=[EmailAddress(email)], job_title=title,
            lifecycle_stage=stage, tags=tags, phones=[PhoneNumber("+1 415 555 0100")],
            company_ids=[northwind["id"]] if email.endswith("northwind.example") else [],
        )))
    await relationships.create(admin, RelationshipIn(
        "reports_to", RecordRef("contact", made[1]["id"]), RecordRef("contact", made[0]["id"])))
    now = dt.datetime.now(dt.UTC)
    await activities.create(admin, ActivityIn(
        type="meeting", subject="Quarterly review", body="<p>Went through the <b>renewal</b> terms.</p>",
        occurred_at=now - dt.timedelta(days=2), links=[{"record_type": "contact", "record_id": made[0]["id"]}]))
    await activities.create(admin, ActivityIn(
        type="follow_up", subject="Call back about the pilot", due_at=now - dt.timedelta(days=1),
        links=[{"record_type": "contact", "record_id": made[1]["id"]}]))
    secret = await contacts.create(bob, ContactIn(given_name="Bobs", family_name="Client"))
    casey = await users.create_user("casey@example.com", PASSWORD, role="member", display_name="Casey Planner",
                                    team="East")
    # Casey's week: a meeting on Wednesday of this week (UTC), and three tasks due tomorrow.
    monday = dt.datetime.combine(now.date() - dt.timedelta(days=now.weekday()), dt.time(10), tzinfo=dt.UTC)
    planning = await activities.create(casey, ActivityIn(type="meeting", subject="Planning meeting",
                                                         occurred_at=monday + dt.timedelta(days=2)))
    for subject in ("Send the proposal", "Book the venue", "Renew the licence"):
        await activities.create(casey, ActivityIn(type="task", subject=subject, due_at=now + dt.timedelta(days=1)))
    # Riley's own meeting at a known moment, for the time zone test (their preferences change).
    riley = await users.create_user("riley@example.com", PASSWORD, role="member", display_name="Riley Abroad",
                                    team="West")
    client = await contacts.create(riley, ContactIn(given_name="Priya", family_name="Rao"))
    kickoff = dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC)
    await activities.create(riley, ActivityIn(
        type="meeting", subject="Kick-off in Bangalore", occurred_at=kickoff, ends_at=kickoff + dt.timedelta(minutes=90),
        links=[{"record_type": "contact", "record_id": client["id"]}]))
    facts_path.write_text(json.dumps({"bob_contact_id": secret["id"], "grace_id": made[0]["id"],
                                      "northwind_id": northwind["id"], "planning_id": planning[0]["id"],
                                      "casey_id": casey.id, "riley_contact_id": client["id"]}))


def main() -> None:
    database, port, facts = Path(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    settings = Settings(database_url=f"sqlite:///{database}", jobs_url=f"sqlite:///{database.parent / 'jobs.sqlite3'}",
                        secret_key="browser-tests-secret", plugins="", imports_dir=str(database.parent / "imports"))
    from crm_platform.app import create_app, setup_runtime

    setup_runtime(settings, plugins=[])
    asyncio.run(seed(facts))
    app = create_app(settings, plugins=[])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
