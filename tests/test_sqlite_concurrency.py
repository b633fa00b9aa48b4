"""SQLite under load: a real server, 32 clients reading and writing at once, and a second
process writing to the same file. Nobody sees "database is locked", nothing answers 5xx, and
every write is there afterwards."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

CLIENTS = 32
ROUNDS_PER_CLIENT = 6
SECOND_PROCESS_CONTACTS = 150
TIME_LIMIT_SECONDS = 120

# The other process: a worker or `crm` command writing through the same engine while the server runs.
SECOND_WRITER = """
import asyncio, sys
from crm_hookspecs import Principal
from crm_platform.app import setup_runtime
from crm_platform.config import load_settings
from crm_platform.contacts import service
from crm_platform.contacts.schemas import ContactIn
from crm_platform.users.service import principal_for_user_id

async def main(count):
    setup_runtime(load_settings())
    writer = await principal_for_user_id(1)
    for number in range(count):
        await service.create(writer, ContactIn(given_name=f"Second{number}", tags=["second-process"]))
    print("wrote", count)

asyncio.run(main(int(sys.argv[1])))
"""


@dataclass
class Server:
    url: str
    token: str
    environment: dict[str, str]
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _migrate_and_issue_token() -> str:
    from crm_platform.app import setup_runtime
    from crm_platform.config import load_settings
    from crm_platform.db.setup import migrate
    from crm_platform.users import service

    rt = setup_runtime(load_settings())
    await migrate()
    await service.create_user("load@example.com", "correct horse battery", role="admin")
    token = await service.create_token("load@example.com")
    rt.engine.close()
    return token


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped on start-up:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer /health within 30 s:\n{log.read_text()}")


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    """``uvicorn --factory crm_platform.app:create_app`` on a fresh SQLite file, one worker."""
    environment = {
        **os.environ,
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}",
        "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        "CRM_CONFIG": str(tmp_path / "absent.toml"),
    }
    for name in ("CRM_DATABASE_URL", "CRM_JOBS_URL", "CRM_CONFIG"):
        monkeypatch.setenv(name, environment[name])
    token = asyncio.run(_migrate_and_issue_token())
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "crm_platform.app:create_app",
             "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--no-access-log"],
            env=environment, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Server(url, token, environment, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Outcome:
    statuses: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    written: dict[int, str] = field(default_factory=dict)  # contact id -> job title it must have


async def _client_session(client: httpx.AsyncClient, number: int, outcome: Outcome) -> None:
    def seen(response: httpx.Response) -> httpx.Response:
        outcome.statuses.append(response.status_code)
        if response.status_code >= 500 or "locked" in response.text:
            outcome.failures.append(f"{response.request.method} {response.request.url}: {response.text[:300]}")
        return response

    for round_ in range(ROUNDS_PER_CLIENT):
        created = seen(await client.post("/api/v1/contacts", json={
            "given_name": f"Client{number}", "family_name": f"Round{round_}",
            "emails": [{"address": f"client{number}.round{round_}@example.com"}], "tags": ["load"],
        }))
        if created.status_code != 201:
            continue
        contact_id = created.json()["id"]
        title = f"title {number}-{round_}"
        patched = seen(await client.patch(f"/api/v1/contacts/{contact_id}", json={"job_title": title}))
        if patched.status_code == 200:
            outcome.written[contact_id] = title
        seen(await client.get("/api/v1/contacts", params={"limit": 20}))
        seen(await client.get(f"/api/v1/contacts/{contact_id}"))


async def _all_with_tag(client: httpx.AsyncClient, tag: str) -> list[dict]:
    found, cursor = [], None
    while True:
        params = {"tag": tag, "limit": 200, "sort": "id", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/contacts", params=params)).json()
        found += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return found


async def test_many_clients_and_a_second_process_write_without_locking_errors(server: Server) -> None:
    second = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SECOND_WRITER, str(SECOND_PROCESS_CONTACTS),
        env=server.environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    outcome = Outcome()
    headers = {"Authorization": f"Bearer {server.token}"}
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60, limits=limits) as client:
        sessions = [_client_session(client, number, outcome) for number in range(CLIENTS)]
        await asyncio.wait_for(asyncio.gather(*sessions), TIME_LIMIT_SECONDS)
        second_output, _ = await asyncio.wait_for(second.communicate(), TIME_LIMIT_SECONDS)

        assert outcome.failures == []
        assert second.returncode == 0, second_output.decode()
        assert "locked" not in server.log.read_text()
        assert set(outcome.statuses) <= {200, 201}
        assert len(outcome.written) == CLIENTS * ROUNDS_PER_CLIENT

        from_clients = {item["id"]: item["job_title"] for item in await _all_with_tag(client, "load")}
        assert from_clients == outcome.written
        from_second = await _all_with_tag(client, "second-process")
        assert len(from_second) == SECOND_PROCESS_CONTACTS
