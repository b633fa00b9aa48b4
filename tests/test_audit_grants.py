"""PostgreSQL: the application's role, granted as docs/deployment.md ("Database roles") says,
cannot change or delete an audit entry, yet the CRM run as that role records every change and
still erases a person (their entries through ``crm_audit_erase``, the tombstone kept)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import pytest_asyncio
from litestar import Litestar

from crm_platform import runtime
from crm_platform.audit.verify import verify
from crm_platform.config import Settings
from crm_platform.db.engine import Engine, make_engine
from crm_platform.db.raw import fetch

pytestmark = pytest.mark.postgres

DEPLOYMENT = Path(__file__).resolve().parents[1] / "docs" / "deployment.md"


def _grants() -> str:
    """The documented grants, run as the owner after ``crm migrate``: the section's second SQL block."""
    section = DEPLOYMENT.read_text().split("### Database roles", 1)[1].split("\n### ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, re.S)
    assert len(blocks) == 2, "docs/deployment.md: the Database roles section has its two SQL blocks"
    return blocks[1]


@pytest.fixture
def crm_database_url(crm_postgres) -> str:
    return crm_postgres.require()


@pytest_asyncio.fixture
async def app_role_url(crm_engine: Engine, crm_database_url: str) -> AsyncIterator[str]:
    """A role granted as documented on the migrated test database (the test's superuser is its owner)."""
    database = crm_database_url.rsplit("/", 1)[1]
    role = f"app_{database}"[:63]
    owner = await asyncpg.connect(crm_database_url)
    try:
        await _drop_role(owner, role)
        await owner.execute(f'CREATE ROLE "{role}" LOGIN')
        owner_name = await owner.fetchval("SELECT current_user")
        await owner.execute(_grants().replace("crm_app", f'"{role}"').replace("crm_owner", f'"{owner_name}"'))
        address = urlsplit(crm_database_url)
        yield urlunsplit(address._replace(netloc=f"{role}@{address.hostname}:{address.port or 5432}"))
        await _drop_role(owner, role)
    finally:
        await owner.close()


async def _drop_role(owner: asyncpg.Connection, role: str) -> None:
    if await owner.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        await owner.execute(f'DROP OWNED BY "{role}"')
        await owner.execute(f'DROP ROLE "{role}"')


@pytest_asyncio.fixture
async def crm_app(crm_settings: Settings, crm_plugins: list[Any], crm_engine: Engine,
                  app_role_url: str) -> AsyncIterator[Litestar]:
    """The app connected as the application role, not as the owner."""
    from crm_platform.app import create_app
    from crm_platform.instance import plugins as plugin_state

    engine = make_engine(app_role_url)
    await engine.start()
    app = create_app(dataclasses.replace(crm_settings, database_url=app_role_url), plugins=crm_plugins, engine=engine)
    await plugin_state.load(runtime.current().host, set())
    yield app
    await engine.stop()


async def _entries(record_type: str, record_id: int) -> list[str]:
    return [row["action"] for row in await fetch(
        "SELECT action FROM crm_audit_entry WHERE record_type = {} AND record_id = {} ORDER BY seq",
        record_type, record_id)]


async def test_the_app_role_records_audit_entries_but_cannot_change_or_delete_them(crm_client, app_role_url):
    assert await fetch("SELECT current_user AS name") == [{"name": urlsplit(app_role_url).username}]
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    assert (await crm_client.patch(f"/api/v1/contacts/{ada['id']}", json={"job_title": "Engineer"})).status_code == 200
    assert await _entries("contact", ada["id"]) == ["create", "update"]

    connection = await asyncpg.connect(app_role_url)
    try:
        for statement in ("UPDATE crm_audit_entry SET action = 'forged'", "DELETE FROM crm_audit_entry",
                          "TRUNCATE crm_audit_entry"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for table crm_audit_entry"):
                await connection.execute(statement)
        # What it may do to every other table, it does.
        await connection.execute("UPDATE crm_contact SET job_title = 'Poet' WHERE id = $1", ada["id"])
    finally:
        await connection.close()
    assert await _entries("contact", ada["id"]) == ["create", "update"]
    assert (await verify()).ok


async def test_an_erasure_as_the_app_role_removes_the_persons_entries_and_keeps_the_chain(crm_client, app_role_url):
    zora = (await crm_client.post("/api/v1/contacts", json={"given_name": "Zora", "family_name": "Quill"})).json()
    otto = (await crm_client.post("/api/v1/contacts", json={"given_name": "Otto"})).json()
    call = (await crm_client.post("/api/v1/activities", json={
        "type": "call", "subject": "Call with Zora", "links": [{"record_type": "contact", "record_id": zora["id"]}]})).json()
    assert await _entries("activity", call["id"]) == ["create"]

    erased = await crm_client.post(f"/api/v1/contacts/{zora['id']}/erase", json={"confirm": "Zora Quill"})
    assert erased.status_code == 200, erased.text
    assert await _entries("contact", zora["id"]) == ["erase"]
    assert await _entries("activity", call["id"]) == []
    assert (await verify()).ok

    # The function removes entries for the app role, but without an erasure's tombstone the gap shows.
    connection = await asyncpg.connect(app_role_url)
    try:
        await connection.execute("SELECT * FROM crm_audit_erase('contact', ARRAY[$1::bigint])", otto["id"])
    finally:
        await connection.close()
    verdict = await verify()
    assert not verdict.ok and "missing" in str(verdict.problem), verdict.problem


async def test_the_job_queue_runs_as_the_app_role_in_the_schema_made_for_it(crm_engine, crm_database_url, app_role_url):
    from crm_platform.jobs import queue

    role = urlsplit(app_role_url).username
    owner = await asyncpg.connect(crm_database_url)
    try:
        await owner.execute("DROP SCHEMA IF EXISTS crm_queue CASCADE")
        await owner.execute(f'CREATE SCHEMA crm_queue AUTHORIZATION "{role}"')
        huey = queue.make_huey(app_role_url)
        try:
            huey.storage.enqueue(b"job")
            assert huey.storage.queue_size() == 1
            assert huey.storage.dequeue() == b"job"
        finally:
            huey.storage.database.close()
        tables = await owner.fetch("SELECT tableowner FROM pg_tables WHERE schemaname = 'crm_queue'")
        assert tables and {row["tableowner"] for row in tables} == {role}
    finally:
        await owner.execute("DROP SCHEMA IF EXISTS crm_queue CASCADE")
        await owner.close()
