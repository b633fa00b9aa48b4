"""``crm run --workers N``: several web processes sharing sessions and login limits in Redis,
and their metrics through prometheus_client's multiprocess files; a SIGTERM lets the
requests in flight finish."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from crm_platform.cli import cli
from crm_platform.cli.serve import server_parts
from crm_platform.testing import DEFAULT_PASSWORD, _free_port

CRM = str(Path(sys.executable).parent / "crm")


def test_several_workers_need_redis(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--workers", "2"], env={
        "CRM_CONFIG": str(tmp_path / "none.toml"), "CRM_REDIS_URL": "",
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}"})
    assert result.exit_code != 0
    assert "--workers 2 needs CRM_REDIS_URL" in result.output


def test_crm_run_uses_uvloop_and_httptools_and_falls_back_without_them(monkeypatch) -> None:
    # Both are dependencies of the platform.
    assert server_parts() == ("uvloop", "httptools")
    monkeypatch.setitem(sys.modules, "uvloop", None)  # as if it were not installed
    assert server_parts() == ("asyncio", "httptools")
    monkeypatch.setitem(sys.modules, "httptools", None)
    assert server_parts() == ("asyncio", "h11")


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


@dataclass(frozen=True)
class Served:
    url: str
    email: str  # an admin's
    token: str  # the admin's API token
    process: subprocess.Popen
    log: Path


def _crm(environment: dict[str, str], *args: str) -> str:
    done = subprocess.run([CRM, *args], env=environment, check=True, capture_output=True, text=True, timeout=120)
    return done.stdout


@contextlib.contextmanager
def _serving(tmp_path: Path, workers: int, **variables: str) -> Iterator[Served]:
    """``crm run --workers N`` on a fresh SQLite database, with an admin and the jobprobe plugin."""
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
    environment = {
        **os.environ, "CRM_CONFIG": str(tmp_path / "none.toml"),
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}",
        "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}", "CRM_LOGIN_ATTEMPTS_PER_MINUTE": "3",
        "CRM_PLUGINS": "jobprobe", **variables,
    }
    _crm(environment, "migrate")
    _crm(environment, "plugins", "enable", "jobprobe")
    _crm(environment, "user", "create", email, "--password", DEFAULT_PASSWORD, "--role", "admin")
    token = _crm(environment, "token", "create", email).strip().splitlines()[-1]
    port = _free_port()
    log_path = tmp_path / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen([CRM, "run", "--workers", str(workers), "--port", str(port)], env=environment,
                              stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # importing every plugin is slow on a busy machine
        while (workers > 1 and len(_children(server.pid)) < workers) or not _answers(url):
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.3)
        yield Served(url, email, token, server, log_path)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=60)
        log.close()


@pytest.fixture
def two_workers(tmp_path: Path, crm_redis) -> Iterator[Served]:
    """``crm run --workers 2`` sharing its sessions and login limits in Redis."""
    with _serving(tmp_path, 2, CRM_REDIS_URL=crm_redis.require()) as served:
        yield served


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
    url, email = two_workers.url, two_workers.email
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


def _health_requests(metrics: str) -> float:
    pattern = r'^crm_request_duration_seconds_count\{method="GET",route="/health"\} ([0-9.e+]+)$'
    found = re.search(pattern, metrics, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_every_scrape_counts_the_requests_of_both_processes(two_workers) -> None:
    headers = {"Authorization": f"Bearer {two_workers.token}"}
    with _fresh_connections(two_workers.url) as client:
        before = _health_requests(client.get("/metrics", headers=headers).text)
        assert [client.get("/health").status_code for _ in range(20)] == [200] * 20
        scrapes = [client.get("/metrics", headers=headers) for _ in range(8)]
    assert {scrape.status_code for scrape in scrapes} == {200}
    # Whichever process answers the scrape, it reports the twenty, wherever they were served.
    assert {_health_requests(scrape.text) - before for scrape in scrapes} == {20.0}
    assert "serving with 2 process(es), the uvloop event loop and the httptools HTTP parser" in (
        two_workers.log.read_text())


def _wait_for_file(path: Path, served: Served, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert served.process.poll() is None and time.monotonic() < deadline, served.log.read_text()
        time.sleep(0.1)


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_lets_the_request_in_flight_finish_then_stops(tmp_path: Path, crm_redis, workers: int) -> None:
    started = tmp_path / "answer-started"
    variables = {"JOBPROBE_ANSWER_SECONDS": "3", "JOBPROBE_ANSWER_MARKER": str(started)}
    if workers > 1:
        variables["CRM_REDIS_URL"] = crm_redis.require()
    with _serving(tmp_path, workers, **variables) as served, concurrent.futures.ThreadPoolExecutor(1) as pool:
        answer = pool.submit(httpx.get, f"{served.url}/api/v1/jobprobe/slow",
                             headers={"Authorization": f"Bearer {served.token}"}, timeout=60)
        _wait_for_file(started, served)
        served.process.send_signal(signal.SIGTERM)
        response = answer.result()
        assert (response.status_code, response.json()) == (200, {"waited": 3.0})
        # uvicorn finishes, then ends itself with the signal it was sent, as a process should.
        assert served.process.wait(timeout=60) in (0, -signal.SIGTERM)
    assert not _answers(served.url)
