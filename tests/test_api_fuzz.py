"""Every operation in the OpenAPI document, fuzzed: no request makes the server fail.

The schema is read from the running app, so an endpoint added to the core or to an installed
plugin is fuzzed without touching this file. Runs on a migrated SQLite database with an
admin token; examples are derandomized so a failure reproduces on the next run.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar import Litestar
from litestar.routes import HTTPRoute
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.python import asgi

from crm_platform import runtime
from crm_platform.app import create_app
from crm_platform.config import Settings
from crm_platform.db.setup import migrate
from crm_platform.users import service as users

EXAMPLES_PER_OPERATION = 25


@dataclass
class FuzzTarget:
    app: Litestar
    rt: runtime.Runtime
    token: str
    client: Any


async def _prepare() -> str:
    await migrate()
    await users.create_user("fuzz-admin@example.com", "correct horse battery", role="admin")
    return await users.create_token("fuzz-admin@example.com")


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory, crm_sqlite_template: Path) -> Iterator[FuzzTarget]:
    """The app with every installed plugin enabled, on a migrated SQLite file, and an admin token."""
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(crm_sqlite_template, folder / "crm.sqlite3")
    settings_ = Settings(
        database_url=f"sqlite:///{folder / 'crm.sqlite3'}",
        jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}",
        plugins="all",
    )
    app = create_app(settings_)
    rt = runtime.current()
    token = asyncio.run(_prepare())
    # Schemathesis sends its requests through this client, which also runs the app's start-up.
    with asgi.get_client(app) as client:
        yield FuzzTarget(app, rt, token, client)
    rt.engine.close()


def _document() -> dict:
    # Routes do not touch the database, so an app on a file never opened describes the API;
    # the fixture below builds the one that answers.
    placeholder = Path(tempfile.gettempdir()) / "crm-openapi-only.sqlite3"
    return create_app(Settings(database_url=f"sqlite:///{placeholder}", plugins="all")).openapi_schema.to_schema()


schema = schemathesis.openapi.from_dict(_document())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case, fuzz_target: FuzzTarget) -> None:
    # Other test modules install their own runtime; requests here must reach this one.
    runtime.install(fuzz_target.rt)
    case.call_and_validate(
        session=fuzz_target.client,
        headers={"Authorization": f"Bearer {fuzz_target.token}"},
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )


# --- bad bodies on every POST ------------------------------------------------------------------


def _post_paths(app: Litestar) -> list[str]:
    document = app.openapi_schema.to_schema()
    # Path parameters are ids; the body is read before any record is looked up. An action
    # without a body (restoring from the trash) has nothing to fuzz.
    return sorted(
        re.sub(r"\{[^}]+\}", "1", path) for path, operations in document["paths"].items()
        if "post" in operations and "requestBody" in operations["post"]
    )


async def _post(target: FuzzTarget, path: str, **request: object) -> httpx.Response:
    runtime.install(target.rt)
    transport = httpx.ASGITransport(app=target.app)
    headers = {"Authorization": f"Bearer {target.token}", "content-type": "application/json"}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers) as client:
        return await client.post(path, **request)


def _routed_posts(app: Litestar) -> set[str]:
    """The API paths the app answers POST on, read from its routes rather than its document."""
    return {
        route.path_format for route in app.routes
        if isinstance(route, HTTPRoute) and "POST" in route.methods and route.path.startswith("/api/")
    }


def test_every_post_endpoint_is_fuzzed(fuzz_target: FuzzTarget) -> None:
    document = fuzz_target.app.openapi_schema.to_schema()
    documented = {path for path, operations in document["paths"].items() if "post" in operations}
    assert documented == _routed_posts(fuzz_target.app), "every POST the API answers is in its OpenAPI document"
    fuzzed = {result.ok().path for result in schema.get_all_operations() if result.ok().method.upper() == "POST"}
    assert fuzzed == documented
    with_a_body = {re.sub(r"\{[^}]+\}", "1", path) for path in documented
                   if "requestBody" in document["paths"][path]["post"]}
    assert set(_post_paths(fuzz_target.app)) == with_a_body and "/api/v1/contacts" in with_a_body


async def test_malformed_json_is_a_400_on_every_post_endpoint(fuzz_target: FuzzTarget) -> None:
    answers = {path: (await _post(fuzz_target, path, content=b'{"broken": ')).status_code
               for path in _post_paths(fuzz_target.app)}
    assert answers == dict.fromkeys(answers, 400)


async def test_an_unknown_field_is_a_422_naming_it_on_every_post_endpoint(fuzz_target: FuzzTarget) -> None:
    field = "no_such_field_anywhere"
    answers = {}
    for path in _post_paths(fuzz_target.app):
        response = await _post(fuzz_target, path, content=json.dumps({field: 1}).encode())
        answers[path] = (response.status_code, field in response.text)
    assert answers == dict.fromkeys(answers, (422, True))
