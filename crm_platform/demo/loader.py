"""Load demo data in chunks: memory stays bounded and progress is shown as it goes."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from crm_hookspecs import DemoContact, DemoData
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from crm_platform import runtime
from crm_platform.contacts.bulk import LOAD_BATCH, write_contacts
from crm_platform.db.bulk import insert_rows
from crm_platform.db.raw import decode_json_columns, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.demo import generate, rows, words
from crm_platform.users import passwords
from crm_platform.users import service as users
from crm_platform.users.tables import User

CHUNK = LOAD_BATCH
# How many of the contacts plugins are told about (crm_demo_data), spread over all of them.
PLUGIN_SAMPLE = 1000
ADMIN_EMAIL = "admin@example.com"
DEMO_USERS = (
    (ADMIN_EMAIL, "admin", "Ada Admin", None),
    ("manager@example.com", "manager", "Max Manager", None),
    ("east1@example.com", "member", "Erin East", words.TEAMS[0]),
    ("east2@example.com", "member", "Evan East", words.TEAMS[0]),
    ("west1@example.com", "member", "Wanda West", words.TEAMS[1]),
    ("west2@example.com", "member", "Walt West", words.TEAMS[1]),
)


@dataclass
class Loaded:
    users_created: int = 0
    companies: int = 0
    contacts: int = 0
    relationships: int = 0
    activities: int = 0
    kept: int = 0  # companies and contacts an earlier run (cut short) wrote already
    sample: list[DemoContact] = field(default_factory=list)
    plugin_lines: list[str] = field(default_factory=list)


async def _users(password: str) -> tuple[list[int], int]:
    """The demo users (those that exist already are kept as they are); returns their ids and
    how many were created."""
    existing = {row["email"]: row["id"] for row in await User.select(User.email, User.id)}
    missing = [user for user in DEMO_USERS if user[0] not in existing]
    if missing:
        # They share one password, so one (deliberately slow) Argon2 hash serves them all.
        password_hash = await passwords.hash_password(password)
        for email, role, name, team in missing:
            user = User(
                email=email, display_name=name, password_hash=password_hash, role=role,
                team=await users.team_id_for(team),
            )
            await user.save()
            existing[email] = user.id
    return [existing[email] for email, *_ in DEMO_USERS], len(missing)


async def load_demo(contacts: int, seed: int, if_empty: bool = False, console: Console | None = None) -> Loaded:
    """Load ``contacts`` contacts with their companies, relationships and activities.

    The same seed gives the same records; dates are relative to now, so tasks fall due
    around today whenever the demo is loaded.
    """
    console = console or Console(soft_wrap=True)
    if if_empty and await fetch("SELECT id FROM crm_contact LIMIT 1"):
        console.print("Contacts exist already; no demo data loaded.")
        if await User.exists().where(User.email == ADMIN_EMAIL):
            _sign_in_hint(console, "the password printed when the demo was loaded")
        return Loaded()
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    # Random for every instance, never derived from the seed: only its hash is stored, and
    # it is printed once, below.
    password = "demo-" + passwords.random_password()
    user_ids, users_created = await _users(password)
    loaded = Loaded(users_created=users_created)
    company_plans = generate.companies(rng, max(5, contacts // 20), user_ids)
    company_ids = await _load_companies(rng, user_ids[0], company_plans, now, loaded)
    with Progress(
        TextColumn("demo contacts"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("contacts", total=contacts)
        await _load_contacts(
            rng, contacts, user_ids, company_plans, company_ids, now, loaded,
            lambda done: progress.update(task, advance=done),
        )
    demo = DemoData(seed, now, tuple(user_ids), tuple(company_ids), tuple(loaded.sample))
    found = await runtime.current().host.call("crm_demo_data", demo=demo)
    loaded.plugin_lines = [line for line in found if isinstance(line, str)]
    _summary(console, loaded, password)
    return loaded


async def _companies_by_domain() -> dict[str, int]:
    """The companies a demo wrote before (every demo domain ends in ``.example.com``), by domain."""
    rows_found = await fetch("SELECT id, domains FROM crm_company WHERE CAST(domains AS TEXT) LIKE '%.example.com%'")
    return {domain: row["id"] for row in rows_found for domain in decode_json_columns(row, ("domains",))["domains"]}


async def _load_companies(
    rng: random.Random, actor_id: int, plans: list[generate.CompanyPlan], now: dt.datetime, loaded: Loaded
) -> list[int]:
    """Write the planned companies and their partnerships in one transaction, so that a run
    cut short leaves all or none of them; the companies an earlier run wrote are kept."""
    found = await _companies_by_domain()
    company_ids: list[int] = []
    async with unit_of_work():
        start = 0
        while start < len(plans):
            if plans[start].domain in found:
                company_ids.append(found[plans[start].domain])
                start += 1
                continue
            end = start
            while end < len(plans) and end - start < CHUNK and plans[end].domain not in found:
                end += 1
            company_ids += await rows.write_companies(actor_id, plans[start:end], company_ids, now)
            start = end
        written = len(plans) - sum(plan.domain in found for plan in plans)
        # Drawn whether or not they are written, so the contacts that follow are the seed's.
        pairs = [tuple(rng.sample(range(len(company_ids)), 2)) for _ in range(max(1, len(company_ids) // 15))]
        if written:
            await insert_rows("crm_relationship", rows.RELATIONSHIP_COLUMNS,
                              rows.partner_rows(actor_id, company_ids, pairs, now))
    loaded.companies, loaded.relationships = written, len(pairs) if written else 0
    loaded.kept += len(plans) - written
    return company_ids


async def _written_before(plans: list[generate.ContactPlan]) -> bool:
    """Whether an earlier run wrote this chunk of contacts (each chunk is one transaction, so
    its first and last contact tell); a chunk only partly there is another run's data."""
    ends = [plans[0].values["primary_email"], plans[-1].values["primary_email"]]
    taken = await fetch(f"SELECT primary_email FROM crm_contact WHERE primary_email IN ({placeholders(ends)})", *ends)
    if len(taken) == len(set(ends)):
        return True
    if taken:
        raise click.ClickException(
            f"contacts with the demo's emails (such as {taken[0]['primary_email']}) exist already but not the rest "
            "of their batch; load the demo with another --seed"
        )
    return False


async def _load_contacts(
    rng: random.Random,
    contacts: int,
    user_ids: list[int],
    company_plans: list[generate.CompanyPlan],
    company_ids: list[int],
    now: dt.datetime,
    loaded: Loaded,
    advance: Callable[[int], None],
) -> None:
    def plan_chunk(start: int) -> list[generate.ContactPlan]:
        return generate.contacts(rng, start, min(CHUNK, contacts - start), company_plans, user_ids, now)

    # The next chunk is planned in a thread while this one is written: SQLite releases the
    # GIL while it works. Chunks are still planned one after the other, so the seed holds.
    upcoming = asyncio.create_task(asyncio.to_thread(plan_chunk, 0))
    for start in range(0, contacts, CHUNK):
        plans = await upcoming
        if start + CHUNK < contacts:
            upcoming = asyncio.create_task(asyncio.to_thread(plan_chunk, start + CHUNK))
        if await _written_before(plans):
            loaded.kept += len(plans)  # by a run cut short: this one goes on after it
        else:
            async with unit_of_work():
                contact_ids = await write_contacts(user_ids[0], [plan.values for plan in plans])
                relationships, activities = await rows.write_links(user_ids[0], plans, contact_ids, company_ids, now)
            _sample(loaded, contacts, start, plans, contact_ids, company_ids)
            loaded.contacts += len(contact_ids)
            loaded.relationships += relationships
            loaded.activities += activities
        advance(len(plans))


def _sample(
    loaded: Loaded, contacts: int, start: int, plans: list[generate.ContactPlan], contact_ids: list[int],
    company_ids: list[int],
) -> None:
    step = max(1, contacts // PLUGIN_SAMPLE)
    for position, (contact_id, plan) in enumerate(zip(contact_ids, plans, strict=True)):
        if (start + position) % step == 0 and len(loaded.sample) < PLUGIN_SAMPLE:
            company_id = company_ids[plan.company_index] if plan.company_index is not None else None
            loaded.sample.append(DemoContact(contact_id, plan.values["owner"], company_id))


def _summary(console: Console, loaded: Loaded, password: str) -> None:
    console.print(
        f"Loaded {loaded.companies} companies, {loaded.contacts} contacts, {loaded.relationships} relationships "
        f"and {loaded.activities} activities."
        + (f" Kept {loaded.kept} companies and contacts loaded before." if loaded.kept else "")
    )
    for line in loaded.plugin_lines:
        console.print(line)
    if loaded.users_created:
        _sign_in_hint(console, f"the password {password} (the other demo users, e.g. manager@example.com, share it)")
    else:
        _sign_in_hint(console, "its existing password")


def _sign_in_hint(console: Console, password_hint: str) -> None:
    port = runtime.current().settings.port
    console.print(f"Sign in at http://127.0.0.1:{port}/login as {ADMIN_EMAIL} with {password_hint}.", markup=False)
    console.print(f"To choose another password: crm user set-password {ADMIN_EMAIL}", markup=False)
    console.print(f"For the API: crm token create {ADMIN_EMAIL}", markup=False)
