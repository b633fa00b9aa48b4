"""A plugin author's own pytest session, run as they would run it: the kit leaves their
folder as it found it and warns them of nothing deprecated in the core."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

PLUGIN = '''
from crm_hookspecs import Routes, hookimpl
from litestar import get
from litestar.params import FromQuery

from crm_platform.toolkit import CurrentPrincipal


@get("/hello")
async def hello(principal: CurrentPrincipal, name: FromQuery[str] = "world") -> dict[str, str]:
    return {"hello": name, "by": principal.email}


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes(handlers=(hello,))]
'''

TESTS = '''
import re

import pytest

import greeter
from crm_platform.toolkit import enqueue
from crm_platform.testing import DEFAULT_PASSWORD


@pytest.fixture
def crm_plugins():
    return [("greeter", greeter)]


async def test_greets_the_member(crm_member_client):
    response = await crm_member_client.get("/api/v1/greeter/hello", params={"name": "Ada"})
    assert response.json() == {"hello": "Ada", "by": "member@example.com"}


async def test_is_gone_when_disabled(crm_client, crm_disable_plugin):
    await crm_disable_plugin("greeter")
    assert (await crm_client.get("/api/v1/greeter/hello")).status_code == 404


async def test_queues_a_job(crm_app):
    assert await enqueue("core.task_reminders", key="once")


async def test_signs_in_through_the_form(crm_anonymous_client, crm_member):
    # A session is stored on sign-in: on PostgreSQL too it must land in the test's folder.
    form = await crm_anonymous_client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    response = await crm_anonymous_client.post("/login", data={
        "email": "member@example.com", "password": DEFAULT_PASSWORD, "_csrf_token": token, "next": "/",
    })
    assert response.status_code == 303
    assert (await crm_anonymous_client.get("/")).status_code == 200


def test_the_cli_sees_the_plugin(crm_cli):
    result = crm_cli("plugins", "list")
    assert "greeter" in result.output and "enabled" in result.output
'''


def _snapshot(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def test_a_plugins_test_session_leaves_its_folder_unchanged_and_warns_of_nothing_in_the_core(
    tmp_path: Path,
) -> None:
    project = tmp_path / "crm-greeter"
    project.mkdir()
    (project / "greeter.py").write_text(textwrap.dedent(PLUGIN))
    (project / "test_greeter.py").write_text(textwrap.dedent(TESTS))
    (project / "pytest.ini").write_text("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
    before = _snapshot(project)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(project)}
    env.pop("CRM_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "default", "--basetemp",
         str(tmp_path / "basetemp"), "test_greeter.py"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # Five tests, each on SQLite and on PostgreSQL (skipped, saying why, without a server).
    assert re.search(r"\b(10 passed|5 passed, 5 skipped)\b", output), output
    assert _snapshot(project) == before
    core_warnings = [
        line for line in output.splitlines() if "DeprecationWarning" in line and "crm_platform" in line
    ]
    assert core_warnings == []
