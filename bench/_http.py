"""A server under test (uvicorn, one worker, its own process) and the clients that load it:
``wrk`` for throughput, a sequential keep-alive client for latency percentiles."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).parent / "wrk_random_id.lua"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# uvicorn's pure-Python parts, and the C ones `crm run` picks when they are installed.
PURE_PYTHON = ("asyncio", "h11")
FAST = ("uvloop", "httptools")


@contextlib.contextmanager
def served(factory: str, environment: dict[str, str], parts: tuple[str, str] = FAST) -> Iterator[str]:
    """``uvicorn --factory FACTORY`` with one worker, on ``parts`` (event loop, HTTP parser);
    yields its base URL."""
    port = _free_port()
    loop, http = parts
    with tempfile.NamedTemporaryFile("w+", prefix="bench-server-", suffix=".log") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1", "--port", str(port),
             "--workers", "1", "--no-access-log", "--log-level", "warning", "--loop", loop, "--http", http],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, Path(log.name), factory)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, factory: str) -> None:
    # Generous: importing every installed plugin takes a while on a busy machine.
    deadline = time.monotonic() + 180
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{factory} did not start:\n{log.read_text()}")
        try:
            httpx.get(f"{url}/health", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def requests_per_second(url: str, path_prefix: str, max_id: int, token: str | None, seconds: int,
                        connections: int = 16) -> float:
    """Throughput of GET ``path_prefix<random id in 1..max_id>`` with ``wrk`` (one thread)."""
    # A 10 s timeout (wrk's is 2 s): on a busy machine a slow answer is slow, not an error.
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    command += [url, "--", path_prefix, str(max_id)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise RuntimeError(f"wrk saw failed requests:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def p95_ms(client: httpx.Client, paths: list[str], warmup: int = 20) -> float:
    """p95 latency in ms of GETting each path in turn on one keep-alive connection."""
    for path in paths[:warmup]:
        client.get(path).raise_for_status()
    samples = []
    for path in paths:
        begun = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - begun) * 1000)
        response.raise_for_status()
    return percentile(samples, 0.95)
