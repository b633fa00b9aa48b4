"""``crm demo``: realistic, deterministic data, written through the bulk path."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3

import asyncpg
import pytest
import pytest_asyncio
from crm_hookspecs import Principal
from rich.console import Console

from crm_platform import runtime
from crm_platform.app import setup_runtime
from crm_platform.config import Settings
from crm_platform.contacts.clean import clean_emails, clean_phones
from crm_platform.db.raw import execute, fetch
from crm_platform.demo import generate
from crm_platform.demo.loader import Loaded, load_demo
from crm_platform.instance import plugins as plugin_state
from crm_platform.search import index as search_index

CONTACTS = 300


@pytest_asyncio.fixture
async def demo_runtime(crm_settings: Settings, crm_engine) -> runtime.Runtime:
    rt = setup_runtime(crm_settings, plugins=[], engine=crm_engine)
    await plugin_state.load(rt.host, set())
    return rt


async def _load(contacts: int = CONTACTS, seed: int = 7) -> Loaded:
    return await load_demo(contacts=contacts, seed=seed, console=Console(quiet=True))


async def _column(sql: str) -> list:
    return [next(iter(row.values())) for row in await fetch(sql)]


def test_the_same_seed_gives_the_same_data():
    def plans(seed: int) -> list[dict]:
        rng = random.Random(seed)
        companies = generate.companies(rng, 10, [1, 2, 3])
        contacts = generate.contacts(rng, 0, 50, companies, [1, 2, 3], dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        return [plan.values for plan in contacts]

    assert plans(7) == plans(7)
    assert plans(7) != plans(8)


async def test_demo_loads_what_it_reports(demo_runtime):
    loaded = await _load()
    assert loaded.contacts == CONTACTS
    assert await _column("SELECT count(*) AS n FROM crm_contact") == [CONTACTS]
    assert await _column("SELECT count(*) AS n FROM crm_company") == [loaded.companies]
    assert await _column("SELECT count(*) AS n FROM crm_activity") == [loaded.activities]
    assert await _column("SELECT count(*) AS n FROM crm_relationship") == [loaded.relationships]


async def test_demo_users_are_an_admin_a_manager_and_members_of_two_teams(demo_runtime):
    await _load()
    rows = await fetch(
        'SELECT u.email, u.role, t.name AS team FROM crm_user u LEFT JOIN crm_team t ON t.id = u.team ORDER BY u.id'
    )
    assert rows[0] == {"email": "admin@example.com", "role": "admin", "team": None}
    assert rows[1]["role"] == "manager"
    assert {row["team"] for row in rows if row["role"] == "member"} == {"East", "West"}


async def test_demo_contacts_have_valid_emails_and_e164_phones(demo_runtime):
    await _load()
    for row in await fetch("SELECT emails, phones FROM crm_contact"):
        emails, phones = _listed(row["emails"]), _listed(row["phones"])
        errors: dict[str, str] = {}
        assert clean_emails(emails, errors) == emails
        assert clean_phones(phones, "US", errors) == phones
        assert errors == {}


def _listed(value: str | list) -> list:
    # SQLite hands JSON columns back as text.
    return value if isinstance(value, list) else json.loads(value)


async def test_demo_contacts_are_spread_over_owners_and_stages(demo_runtime):
    await _load()
    assert len(await _column("SELECT DISTINCT owner FROM crm_contact")) >= 5
    assert set(await _column("SELECT DISTINCT lifecycle_stage FROM crm_contact")) == {
        "lead", "prospect", "customer", "former"
    }


async def test_demo_has_every_core_activity_type_and_the_usual_relationships(demo_runtime):
    await _load()
    assert set(await _column("SELECT DISTINCT type FROM crm_activity")) == {
        "call", "meeting", "email", "note", "social_message", "task", "follow_up"
    }
    assert set(await _column("SELECT DISTINCT type FROM crm_relationship")) == {
        "works_at", "reports_to", "referred_by", "partner_of"
    }
    assert await _column("SELECT count(*) AS n FROM crm_company WHERE parent IS NOT NULL") != [0]


async def test_demo_has_open_tasks_some_overdue_some_upcoming(demo_runtime):
    await _load()
    overdue = await fetch(
        "SELECT count(*) AS n FROM crm_activity WHERE due_at < CURRENT_TIMESTAMP AND done = {}", False
    )
    upcoming = await fetch(
        "SELECT count(*) AS n FROM crm_activity WHERE due_at > CURRENT_TIMESTAMP AND done = {}", False
    )
    assert overdue[0]["n"] > 0 and upcoming[0]["n"] > 0


async def test_demo_activities_appear_on_their_contacts_timelines(demo_runtime):
    await _load()
    unlinked = await fetch(
        "SELECT count(*) AS n FROM crm_activity a WHERE NOT EXISTS ("
        "SELECT 1 FROM crm_activity_link l WHERE l.activity = a.id AND l.record_type = 'contact')"
    )
    assert unlinked[0]["n"] == 0


async def test_demo_contacts_and_companies_are_found_by_search(demo_runtime):
    await _load()
    admin = Principal(id=1, email="admin@example.com", display_name="Admin", role="admin", team_id=None)
    contact = (await fetch("SELECT display_name, primary_email FROM crm_contact ORDER BY id LIMIT 1"))[0]
    company = (await fetch("SELECT name FROM crm_company ORDER BY id LIMIT 1"))[0]
    assert "contact" in {hit.kind for hit in await search_index.search(admin, contact["primary_email"])}
    assert company["name"] in {hit.title for hit in await search_index.search(admin, company["name"])}


async def test_demo_queries_do_not_grow_with_the_number_of_contacts(demo_runtime):
    await _load(contacts=10, seed=1)  # the users exist from here on
    engine = demo_runtime.engine
    before = engine.statements_run
    await _load(contacts=50, seed=2)
    small = engine.statements_run - before
    before = engine.statements_run
    await _load(contacts=190, seed=3)
    assert engine.statements_run - before == small


async def test_demo_if_empty_adds_nothing_to_a_database_with_contacts(demo_runtime):
    await _load(contacts=20)
    assert (await load_demo(contacts=20, seed=7, if_empty=True, console=Console(quiet=True))).contacts == 0
    assert await _column("SELECT count(*) AS n FROM crm_contact") == [20]


async def _counts() -> list[int]:
    return [(await _column(f"SELECT count(*) AS n FROM {table}"))[0]
            for table in ("crm_company", "crm_contact", "crm_activity", "crm_relationship", "crm_audit_entry")]


async def test_demo_loaded_again_keeps_what_is_there_and_adds_nothing(demo_runtime):
    await _load()
    before = await _counts()
    again = await _load()
    assert await _counts() == before
    assert (again.companies, again.contacts, again.kept) == (0, 0, before[0] + CONTACTS)


async def test_demo_cut_short_goes_on_where_it_stopped(demo_runtime, monkeypatch):
    from crm_platform.demo import loader

    monkeypatch.setattr(loader, "CHUNK", 100)  # three batches of contacts, each its own transaction
    # The run stops in its third batch, as a killed one would: another contact has the email
    # the 250th demo contact is given.
    rng = random.Random(7)
    companies = generate.companies(rng, CONTACTS // 20, [1, 2, 3, 4, 5, 6])
    now = dt.datetime.now(dt.UTC)
    third = [generate.contacts(rng, start, 100, companies, [1, 2, 3, 4, 5, 6], now) for start in (0, 100, 200)][2]
    blocker = third[50].values["primary_email"]
    await load_demo(contacts=1, seed=99, console=Console(quiet=True))  # the users, and a stray contact
    await execute("UPDATE crm_contact SET primary_email = {}", blocker)
    with pytest.raises((sqlite3.IntegrityError, asyncpg.UniqueViolationError)):  # the unique email index
        await _load()
    assert await _column("SELECT count(*) AS n FROM crm_contact") == [201]
    await execute("DELETE FROM crm_contact WHERE primary_email = {}", blocker)

    resumed = await _load()
    assert (resumed.contacts, resumed.kept) == (100, len(companies) + 200)
    assert await _column("SELECT count(*) AS n FROM crm_contact") == [CONTACTS]
    names = await _column("SELECT name FROM crm_company")
    assert len(names) == len(companies) + 5  # the stray run's five, and this demo's once each
    assert await _column("SELECT count(DISTINCT primary_email) AS n FROM crm_contact") == [CONTACTS]


@pytest.mark.exercises("crm_demo_data")
async def test_plugins_add_their_demo_data_and_a_summary_line(crm_settings: Settings, crm_engine, tmp_path):
    import types

    from crm_hookspecs import DemoData, hookimpl

    received: list[DemoData] = []
    plugin = types.ModuleType("demoprobe")

    @hookimpl
    async def crm_demo_data(demo):
        received.append(demo)
        return f"Loaded {len(demo.contacts)} demo probes."

    plugin.crm_demo_data = crm_demo_data
    rt = setup_runtime(crm_settings, plugins=[("demoprobe", plugin)], engine=crm_engine)
    await plugin_state.load(rt.host, {"demoprobe"})
    console = Console(file=(tmp_path / "out.txt").open("w"), width=200)
    loaded = await load_demo(contacts=120, seed=3, console=console)
    console.file.close()

    [demo] = received
    assert demo.seed == 3 and demo.user_ids[0] == (await _column("SELECT id FROM crm_user WHERE role = 'admin'"))[0]
    assert len(demo.company_ids) == loaded.companies and len(demo.contacts) == 120
    works_at = await fetch("SELECT source_id, target_id FROM crm_relationship WHERE type = 'works_at'")
    employers = {row["source_id"]: row["target_id"] for row in works_at}
    assert all(contact.company_id == employers.get(contact.contact_id) for contact in demo.contacts)
    assert "Loaded 120 demo probes." in (tmp_path / "out.txt").read_text()
