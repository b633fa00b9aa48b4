"""``make run`` waits for the server's health check before it prints how to sign in."""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from crm_platform.cli.wait_for_health import wait_for_health


class _Healthy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(200 if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_it_returns_once_the_server_answers() -> None:
    server = HTTPServer(("127.0.0.1", 0), _Healthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert wait_for_health(f"http://127.0.0.1:{server.server_port}/health", None, timeout=10) is None
    finally:
        server.shutdown()


def test_it_gives_up_when_the_server_process_has_ended() -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    problem = wait_for_health("http://127.0.0.1:9/health", ended.pid, timeout=10)
    assert problem == "the server stopped before it answered"


def test_it_names_the_address_after_the_timeout() -> None:
    assert wait_for_health("http://127.0.0.1:9/health", None, timeout=0.5) == (
        "no answer from http://127.0.0.1:9/health after 0.5 seconds"
    )
