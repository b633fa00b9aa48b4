"""``crm backup`` and ``crm restore``: an archive taken while the app runs brings the database
(core and plugin tables) and the uploaded files back after they changed or went."""

from __future__ import annotations

import asyncio
import sqlite3
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crm_platform.audit.verify import verify
from crm_platform.cli import cli
from crm_platform.db.raw import execute, fetch

pytestmark = pytest.mark.postgres


@pytest.fixture
def crm_plugins():
    return ["sales"]


@pytest.fixture
def imports_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    (folder / "run-1").mkdir(parents=True)
    (folder / "run-1" / "people.csv").write_text("name\nAda\n")
    return folder


@pytest.fixture
def crm(crm_engine, crm_database_url: str, tmp_path: Path, imports_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """``crm(*args)`` runs the command on the test database, in a thread (the test's loop goes on)."""
    monkeypatch.chdir(tmp_path)
    environment = {"CRM_DATABASE_URL": crm_database_url, "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                   "CRM_CONFIG": str(tmp_path / "none.toml"), "CRM_IMPORTS_DIR": str(imports_dir),
                   "CRM_PLUGINS": "sales"}

    async def invoke(*args: str, database_url: str | None = None) -> Result:
        env = {**environment, "CRM_DATABASE_URL": database_url or crm_database_url}
        return await asyncio.to_thread(lambda: CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False))

    return invoke


async def _contacts() -> list[tuple[str, str | None]]:
    return [(row["display_name"], row["job_title"])
            for row in await fetch("SELECT display_name, job_title FROM crm_contact ORDER BY id")]


async def _deals() -> list[str]:
    return [row["title"] for row in await fetch("SELECT title FROM sales_deal ORDER BY id")]


async def test_a_restore_brings_back_what_was_changed_and_deleted(crm_client, crm, imports_dir, tmp_path):
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "job_title": "Engineer"})).json()
    bob = (await crm_client.post("/api/v1/contacts", json={"given_name": "Bob"})).json()
    assert (await crm_client.post("/api/v1/sales/deals", json={"title": "Engines"})).status_code == 201
    before = (await _contacts(), await _deals())

    archive = tmp_path / "backups" / "crm.tar.gz"
    result = await crm("backup", str(archive))
    assert result.exit_code == 0, result.output
    assert "and 1 files to" in result.output
    with tarfile.open(archive) as opened:
        assert "imports/run-1/people.csv" in opened.getnames()

    assert (await crm_client.patch(f"/api/v1/contacts/{ada['id']}", json={"job_title": "Poet"})).status_code == 200
    # Deleted for good, not into the trash (which would keep a copy in the database).
    await execute("DELETE FROM crm_contact WHERE id = {}", bob["id"])
    await execute("DELETE FROM sales_deal WHERE title = {}", "Engines")
    assert (await crm_client.post("/api/v1/contacts", json={"given_name": "Carol"})).status_code == 201
    (imports_dir / "run-1" / "people.csv").unlink()
    (imports_dir / "later.csv").write_text("name\nCarol\n")
    assert (await _contacts(), await _deals()) != before

    refused = await crm("restore", str(archive))
    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--force" in refused.output
    assert await _contacts() != before[0]

    result = await crm("restore", str(archive), "--force")
    assert result.exit_code == 0, result.output
    assert (await _contacts(), await _deals()) == before
    assert (imports_dir / "run-1" / "people.csv").read_text() == "name\nAda\n"
    assert not (imports_dir / "later.csv").exists()
    assert (await verify()).ok
    answer = await crm_client.get(f"/api/v1/contacts/{bob['id']}")
    assert answer.status_code == 200 and answer.json()["display_name"] == "Bob"


@pytest.fixture
async def fresh_database_url(crm_database_url: str, tmp_path: Path):
    """A second, empty database on the same engine as the test's."""
    if crm_database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import asyncpg

    base, name = crm_database_url.rsplit("/", 1)
    fresh = f"{name}_restored"
    connection = await asyncpg.connect(crm_database_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        await connection.execute(f'CREATE DATABASE "{fresh}"')
        yield f"{base}/{fresh}"
        await connection.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
    finally:
        await connection.close()


async def _names_in(database_url: str) -> list[str]:
    """The contacts' names in another database than the test's, read directly."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return [row[0] for row in connection.execute("SELECT display_name FROM crm_contact ORDER BY id")]
        finally:
            connection.close()
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        return [row[0] for row in await connection.fetch("SELECT display_name FROM crm_contact ORDER BY id")]
    finally:
        await connection.close()


async def test_a_restore_into_an_empty_database_needs_no_force(crm_client, crm, tmp_path, fresh_database_url):
    assert (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).status_code == 201
    archive = tmp_path / "crm.tar"
    assert (await crm("backup", str(archive))).exit_code == 0
    restored = await crm("restore", str(archive), database_url=fresh_database_url)
    assert restored.exit_code == 0, restored.output
    assert await _names_in(fresh_database_url) == ["Ada"]
    verified = await crm("audit", "verify", database_url=fresh_database_url)
    assert verified.exit_code == 0 and "audit log OK" in verified.output, verified.output
    missing = await crm("restore", str(tmp_path / "missing.tar"))
    assert missing.exit_code == 1 and "no backup at" in missing.output


async def test_something_that_is_not_a_backup_is_refused(crm, tmp_path):
    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w") as archive:
        (tmp_path / "x.txt").write_text("x")
        archive.add(tmp_path / "x.txt", "x.txt")
    result = await crm("restore", str(bogus), "--force")
    assert result.exit_code == 1
    assert "is not a crm backup" in result.output
