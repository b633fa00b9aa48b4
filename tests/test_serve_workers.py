"""``crm run --workers N``: several web processes sharing sessions and login limits in Redis."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from crm_platform.cli import cli
from crm_platform.testing import DEFAULT_PASSWORD, _free_port

CRM = str(Path(sys.executable).parent / "crm")


def test_several_workers_need_redis(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--workers", "2"], env={
        "CRM_CONFIG": str(tmp_path / "none.toml"), "CRM_REDIS_URL": "",
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}"})
    assert result.exit_code != 0
    assert "--workers 2 needs CRM_REDIS_URL" in result.output


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def two_workers(tmp_path: Path, crm_redis) -> Iterator[tuple[str, str]]:
    """``crm run --workers 2`` on a fresh SQLite database, with an admin; its address and email."""
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    environment = {
        **os.environ, "CRM_CONFIG": str(tmp_path / "none.toml"), "CRM_REDIS_URL": crm_redis.require(),
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}",
        "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}", "CRM_LOGIN_ATTEMPTS_PER_MINUTE": "3",
        "CRM_PLUGINS": "",
    }
    for command in (["migrate"], ["user", "create", email, "--password", DEFAULT_PASSWORD, "--role", "admin"]):
        subprocess.run([CRM, *command], env=environment, check=True, capture_output=True, timeout=120)
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([CRM, "run", "--workers", "2", "--port", str(port)], env=environment,
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while len(_children(server.pid)) < 2 or not _answers(url):
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.3)
        yield url, email
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _token(page: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', page).group(1)


def _fresh_connections(url: str) -> httpx.Client:
    # A new connection for each request, so the kernel hands requests to either process.
    return httpx.Client(base_url=url, limits=httpx.Limits(max_keepalive_connections=0), timeout=10)


def _sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    token = _token(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "_csrf_token": token, "next": "/"})


def test_two_processes_share_the_login_limit_and_the_session(two_workers) -> None:
    url, email = two_workers
    ghost = f"ghost-{uuid.uuid4().hex[:8]}@example.com"
    with _fresh_connections(url) as client:
        # Three failures are allowed a minute, counted in Redis by whichever process answers.
        assert [_sign_in(client, ghost, "wrong password").status_code for _ in range(5)] == [400] * 3 + [429] * 2
    with _fresh_connections(url) as client:
        assert _sign_in(client, email, DEFAULT_PASSWORD).status_code == 303
        assert [client.get("/").status_code for _ in range(8)] == [200] * 8
        cookies = dict(client.cookies)
        token = _token(client.get("/").text)
        assert client.post("/logout", data={"_csrf_token": token}).status_code == 303
    with _fresh_connections(url) as stale:
        stale.cookies.update(cookies)  # the session cookie from before the logout
        assert {stale.get("/").status_code for _ in range(6)} == {302}
