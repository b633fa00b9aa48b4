"""The audit log is a hash chain: ``crm audit verify`` says OK for the log the application wrote,
and names the first entry edited, deleted or slipped in behind its back."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from piccolo.apps.migrations.commands.backwards import BackwardsMigrationManager

from crm_platform.audit import service as audit
from crm_platform.audit.verify import verify
from crm_platform.cli import cli
from crm_platform.db.raw import execute, fetch
from crm_platform.db.setup import migrate
from crm_platform.db.unit import unit_of_work
from crm_platform.migrations import crm_0024_audit_chain

pytestmark = pytest.mark.postgres


@pytest.fixture
def crm(crm_engine, crm_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``crm(*args)`` runs the command on the test database."""
    monkeypatch.chdir(tmp_path)
    environment = {"CRM_DATABASE_URL": crm_database_url, "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                   "CRM_CONFIG": str(tmp_path / "none.toml")}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)

    return invoke


async def _history(client) -> list[dict]:
    """A contact created, edited twice and deleted, and a company: a few entries of each kind."""
    contact = (await client.post("/api/v1/contacts", json={"given_name": "Ada", "family_name": "Chain"})).json()
    for title in ("Engineer", "Countess"):
        response = await client.patch(f"/api/v1/contacts/{contact['id']}", json={"job_title": title})
        assert response.status_code == 200, response.text
    assert (await client.post("/api/v1/companies", json={"name": "Analytical Engines"})).status_code == 201
    assert (await client.delete(f"/api/v1/contacts/{contact['id']}")).status_code in (200, 204)
    return await fetch("SELECT id, seq, action FROM crm_audit_entry ORDER BY seq")


async def test_the_log_the_application_wrote_verifies(crm_client, crm):
    entries = await _history(crm_client)
    assert [entry["seq"] for entry in entries] == list(range(1, len(entries) + 1))
    result = await asyncio.to_thread(crm, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"audit log OK: {len(entries)} entries, head #{len(entries)} ")


async def test_an_entry_edited_with_sql_is_named(crm_client, crm):
    entries = await _history(crm_client)
    edited = entries[2]
    await execute("UPDATE crm_audit_entry SET changes = {} WHERE id = {}", '{"job_title": {"to": "Nobody"}}',
                  edited["id"])
    result = await asyncio.to_thread(crm, "audit", "verify")
    assert result.exit_code == 1
    assert f"BROKEN at entry {edited['id']}: edited" in result.output


async def test_an_entry_edited_and_rehashed_is_caught_at_the_next_link(crm_client):
    entries = await _history(crm_client)
    edited, following = entries[1], entries[2]
    await execute("UPDATE crm_audit_entry SET actor_id = NULL, entry_hash = {} WHERE id = {}", "f" * 64, edited["id"])
    verdict = await verify()
    assert not verdict.ok
    # Its own hash was forged to match, but the next entry still names the old one.
    assert verdict.problem.entry_id in (edited["id"], following["id"])


async def test_a_deleted_entry_is_named_by_its_place_and_neighbours(crm_client, crm):
    entries = await _history(crm_client)
    before, deleted, after = entries[1:4]
    await execute("DELETE FROM crm_audit_entry WHERE id = {}", deleted["id"])
    result = await asyncio.to_thread(crm, "audit", "verify")
    assert result.exit_code == 1
    assert (f"BROKEN at entry #{deleted['seq']}: missing: deleted after entry {before['id']}, "
            f"before entry {after['id']}") in result.output


async def test_an_entry_inserted_around_the_log_is_named(crm_client):
    await _history(crm_client)
    await execute("INSERT INTO crm_audit_entry (actor_id, record_type, record_id, action, changes) "
                  "VALUES (NULL, 'contact', 1, 'update', {})", "{}")
    [forged] = await fetch("SELECT id FROM crm_audit_entry WHERE seq IS NULL")
    verdict = await verify()
    assert verdict.problem is not None and verdict.problem.entry_id == forged["id"]
    assert "not in the chain" in verdict.problem.reason


async def _count() -> int:
    return len(await fetch("SELECT id FROM crm_audit_entry"))


async def test_concurrent_writers_chain_without_a_fork(crm_client):
    already = await _count()
    async def write(index: int) -> None:
        async with unit_of_work():
            await audit.record(None, "contact", index, "update", {"n": {"from": index, "to": index + 1}})
            await audit.record(None, "contact", index, "update", {"n": {"from": index + 1, "to": index + 2}})

    async def create(index: int) -> int:
        response = await crm_client.post("/api/v1/contacts", json={"given_name": f"Writer {index}"})
        return response.status_code

    outcomes = await asyncio.gather(*[write(index) for index in range(20)], *[create(index) for index in range(20)])
    assert outcomes[20:] == [201] * 20
    entries = await fetch("SELECT seq FROM crm_audit_entry ORDER BY seq")
    assert [entry["seq"] for entry in entries] == list(range(1, already + 61))
    verdict = await verify()
    assert verdict.ok, verdict.problem
    assert verdict.checked == already + 60


async def test_a_bulk_create_is_chained(crm_client):
    already = await _count()
    response = await crm_client.post("/api/v1/contacts/bulk", json={
        "contacts": [{"given_name": f"Bulk {index}"} for index in range(30)]})
    assert response.status_code in (200, 201), response.text
    await audit.record(None, "contact", 1, "update", {})
    verdict = await verify()
    assert verdict.ok, verdict.problem
    assert verdict.checked == already + 31


async def test_an_erasure_keeps_the_chain_whole_and_its_tombstone_guards_the_hole(crm_client):
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Eve", "family_name": "Gone"})).json()
    await crm_client.patch(f"/api/v1/contacts/{contact['id']}", json={"job_title": "Spy"})
    assert (await crm_client.post("/api/v1/companies", json={"name": "Stays"})).status_code == 201
    response = await crm_client.post(f"/api/v1/contacts/{contact['id']}/erase", json={"confirm": "Eve Gone"})
    assert response.status_code == 200, response.text
    verdict = await verify()
    assert verdict.ok, verdict.problem
    [tombstone] = await fetch("SELECT id FROM crm_audit_entry WHERE action = 'erase'")
    await execute("DELETE FROM crm_audit_entry WHERE id = {}", tombstone["id"])
    assert not (await verify()).ok


async def test_actions_longer_than_ten_characters_are_kept(crm_client):
    async with unit_of_work():
        await audit.record(None, "user", 1, "password_reset_requested", {})
    [row] = await fetch("SELECT action FROM crm_audit_entry WHERE record_type = 'user' AND record_id = 1 "
                        "AND action LIKE 'password%'")
    assert row["action"] == "password_reset_requested"
    assert (await verify()).ok
    with pytest.raises(ValueError, match="longer than 40"):
        await audit.record(None, "user", 1, "x" * 41, {})


async def test_the_migration_chains_the_entries_written_before_it(crm_client):
    await _history(crm_client)
    with contextlib.redirect_stdout(io.StringIO()):
        assert (await BackwardsMigrationManager(app_name="crm", migration_id=crm_0024_audit_chain.ID,
                                                auto_agree=True).run()).success
        count = len(await fetch("SELECT id FROM crm_audit_entry"))
        await execute("INSERT INTO crm_audit_entry (actor_id, record_type, record_id, action, changes) "
                      "VALUES (NULL, 'contact', 7, 'update', {})", '{"a": 1}')
        await migrate()
    verdict = await verify()
    assert verdict.ok, verdict.problem
    assert verdict.checked == count + 1
