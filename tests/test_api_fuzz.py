"""Every operation in the OpenAPI document, fuzzed: no request makes the server fail.

The schema is read from the running app, so an endpoint added to the core or to an installed
plugin is fuzzed without touching this file. Runs on a migrated SQLite database with an
admin token, then with a member's token on a database where another team holds records: a
member's answers never carry them. Examples are derandomized so a failure reproduces on the
next run.
"""

from __future__ import annotations

import asyncio
import copy
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
# A member's run goes over every operation again with fewer examples (the admin's run reaches
# deeper; this one is about what a member is shown), about half a minute in all.
EXAMPLES_PER_OPERATION_AS_MEMBER = 3
# In every record of the other team, and in nothing a member of the first team may be shown.
OTHER_TEAMS_MARK = "Zyxwvred"


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


async def _prepare_teams() -> tuple[str, str]:
    """A member of the blue team and one of the red team; their tokens."""
    await migrate()
    for email, team in (("fuzz-blue@example.com", "Blue"), ("fuzz-red@example.com", "Red")):
        await users.create_user(email, "correct horse battery", role="member", team=team)
    return await users.create_token("fuzz-blue@example.com"), await users.create_token("fuzz-red@example.com")


def _app_in(folder: Path, template: Path) -> tuple[Litestar, runtime.Runtime]:
    shutil.copy(template, folder / "crm.sqlite3")
    settings_ = Settings(
        database_url=f"sqlite:///{folder / 'crm.sqlite3'}",
        jobs_url=f"sqlite:///{folder / 'jobs.sqlite3'}",
        plugins="all",
    )
    app = create_app(settings_)
    return app, runtime.current()


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory, crm_sqlite_template: Path) -> Iterator[FuzzTarget]:
    """The app with every installed plugin enabled, on a migrated SQLite file, and an admin token."""
    app, rt = _app_in(tmp_path_factory.mktemp("fuzz"), crm_sqlite_template)
    token = asyncio.run(_prepare())
    # Schemathesis sends its requests through this client, which also runs the app's start-up.
    with asgi.get_client(app) as client:
        yield FuzzTarget(app, rt, token, client)
    rt.engine.close()


# What the red team keeps: each body is posted as its member; the paths missing from an
# installation (a plugin left out) are skipped.
_RED_RECORDS = [
    ("/api/v1/contacts", {"given_name": OTHER_TEAMS_MARK, "family_name": "Contact",
                          "emails": [{"address": "zyxwvred@example.com"}]}),
    ("/api/v1/companies", {"name": f"{OTHER_TEAMS_MARK} Holdings"}),
    ("/api/v1/activities", {"type": "task", "subject": f"{OTHER_TEAMS_MARK} task"}),
    ("/api/v1/sales/deals", {"title": f"{OTHER_TEAMS_MARK} deal"}),
]


@pytest.fixture(scope="module")
def member_target(tmp_path_factory: pytest.TempPathFactory, crm_sqlite_template: Path) -> Iterator[FuzzTarget]:
    """Another app and database: a blue member's token, and records of the red team."""
    app, rt = _app_in(tmp_path_factory.mktemp("fuzz-member"), crm_sqlite_template)
    blue, red = asyncio.run(_prepare_teams())
    with asgi.get_client(app) as client:
        created = [client.post(path, json=body, headers={"Authorization": f"Bearer {red}"}) for path, body in _RED_RECORDS]
        assert [answer.status_code for answer in created] == [201] * len(created), [a.text for a in created]
        assert OTHER_TEAMS_MARK in client.get("/api/v1/contacts", headers={"Authorization": f"Bearer {red}"}).text
        yield FuzzTarget(app, rt, blue, client)
    rt.engine.close()


def _document() -> dict:
    # Routes do not touch the database, so an app on a file never opened describes the API;
    # the fixture below builds the one that answers.
    placeholder = Path(tempfile.gettempdir()) / "crm-openapi-only.sqlite3"
    return create_app(Settings(database_url=f"sqlite:///{placeholder}", plugins="all")).openapi_schema.to_schema()


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(copy.deepcopy(DOCUMENT))
# The member's run leaves out the coverage phase (boundary values of every parameter, the bulk
# of the admin's run, and the same whoever asks): generated examples only.
member_schema = schemathesis.openapi.from_dict(copy.deepcopy(DOCUMENT))
member_schema.config.phases.coverage.enabled = False


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


def no_other_teams_record(ctx: Any, response: Any, case: Any) -> bool | None:
    """A member's successful answer holds nothing of another team's records."""
    if 200 <= response.status_code < 300 and OTHER_TEAMS_MARK.lower() in response.text.lower():
        raise AssertionError(f"{case.operation.label} answered a member with another team's record: "
                             f"{response.text[:500]}")
    return None


@member_schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION_AS_MEMBER,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_fails_or_shows_another_teams_record_to_a_member(case, member_target: FuzzTarget) -> None:
    runtime.install(member_target.rt)
    case.call_and_validate(
        session=member_target.client,
        headers={"Authorization": f"Bearer {member_target.token}"},
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance, no_other_teams_record],
    )


def test_no_list_a_member_reads_shows_another_teams_record(member_target: FuzzTarget) -> None:
    """Every GET without path parameters, as generated examples may never reach it plainly."""
    runtime.install(member_target.rt)
    lists = sorted(path for path, operations in member_target.app.openapi_schema.to_schema()["paths"].items()
                   if "get" in operations and "{" not in path and path.startswith("/api/"))
    answers = {path: member_target.client.get(path, headers={"Authorization": f"Bearer {member_target.token}"})
               for path in lists}
    assert "/api/v1/contacts" in answers and answers["/api/v1/contacts"].status_code == 200
    assert [path for path, answer in answers.items() if answer.status_code >= 500] == []
    assert [path for path, answer in answers.items()
            if answer.status_code < 300 and OTHER_TEAMS_MARK.lower() in answer.text.lower()] == []


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
