"""Prometheus metrics (prometheus_client): request latency and statements per route template,
job outcomes and the jobs waiting; served at ``/metrics`` (crm_platform.operations.api).

``crm run --workers N`` serves with N processes; each writes its samples to files in
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode, which ``crm run`` sets
up), and whichever process answers a scrape adds up every process's files.
"""

from __future__ import annotations

import os
import re
import time
import uuid

from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from crm_platform.db.engine import request_statements
from crm_platform.operations.logs import request_id

REQUEST_SECONDS = Histogram(
    "crm_request_duration_seconds", "Time to answer a request, by route template.", ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUEST_STATEMENTS = Histogram(
    "crm_request_statements", "SQL statements one request ran, by route template.", ["method", "route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 100),
)
JOB_OUTCOMES = Counter("crm_jobs_total", "Background job runs, by job and outcome.", ["job", "outcome"])
# Read from the shared queue at each scrape: the latest reading of any process is the answer.
JOBS_WAITING = Gauge("crm_jobs_waiting", "Jobs in the queue waiting for a worker.", multiprocess_mode="mostrecent")
# prometheus_client's own switch: set, every process writes its samples to files there.
MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# An id a client or proxy sends is kept when it is short and plain; anything else is replaced.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            given = value.decode("latin-1")
            if _REQUEST_ID.match(given):
                return given
    return uuid.uuid4().hex


def measure(app: ASGIApp) -> ASGIApp:
    """Middleware: time each HTTP request, count its statements, give it a request id
    (answered in ``X-Request-ID``) that its log lines and the jobs it enqueues carry."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        identifier = _incoming_request_id(scope)
        id_token, counter = request_id.set(identifier), [0]
        statements_token = request_statements.set(counter)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", identifier.encode())]
            await send(message)

        started = time.perf_counter()
        try:
            await app(scope, receive, send_with_id)
        finally:
            route = scope.get("path_template") or "unmatched"
            labels = (scope.get("method", ""), route)
            REQUEST_SECONDS.labels(*labels).observe(time.perf_counter() - started)
            REQUEST_STATEMENTS.labels(*labels).observe(counter[0])
            request_statements.reset(statements_token)
            request_id.reset(id_token)

    return middleware


def job_finished(job_name: str, outcome: str) -> None:
    JOB_OUTCOMES.labels(job_name, outcome).inc()


def exposition() -> bytes:
    """The text exposition: this process's metrics, or every process's when several serve."""
    if os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
