"""``crm settings`` and ``crm permissions``: an admin lists, reads and changes plugin settings
and grants from the command line, and a running app sees the change at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crm_platform.audit import service as audit
from crm_platform.cli import cli
from crm_platform.testing import client_for


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]


@pytest.fixture
def environment(crm_engine, crm_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    monkeypatch.chdir(tmp_path)  # no crm.toml but the test's own
    return {
        "CRM_DATABASE_URL": crm_database_url,
        "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        "CRM_PLUGINS": "probe",
        "CRM_CONFIG": str(tmp_path / "none.toml"),
    }


@pytest.fixture
def crm(environment: dict):
    """``crm(*args)`` runs the command on the test database, with ``probe`` enabled."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=environment, catch_exceptions=False)

    return invoke


def _row(listing: str, name: str) -> str:
    return next(line for line in listing.splitlines() if line.split()[:1] == [name])


def test_list_shows_each_setting_with_its_kind_and_value(crm):
    result = crm("settings", "list", "probe")
    assert result.exit_code == 0, result.output
    assert _row(result.output, "probe.page_size").split() == ["probe.page_size", "number", "20", "(default)"]
    assert _row(result.output, "probe.greeting").split() == ["probe.greeting", "text", "hello", "(default)"]


def test_set_reads_the_value_as_the_settings_kind(crm):
    assert crm("settings", "set", "probe", "page_size", "50").output.strip() == "probe.page_size = 50"
    assert crm("settings", "set", "probe", "shout", "true").output.strip() == "probe.shout = true"
    assert crm("settings", "get", "probe", "page_size").output.strip() == "50"
    assert crm("settings", "get", "probe", "shout").output.strip() == "true"
    assert _row(crm("settings", "list").output, "probe.page_size").split() == ["probe.page_size", "number", "50"]


def test_set_refuses_a_value_of_the_wrong_kind_naming_the_setting(crm):
    result = crm("settings", "set", "probe", "page_size", "lots")
    assert result.exit_code == 1
    assert "Error: value: setting probe.page_size must be a number, not 'lots'" in result.output
    assert crm("settings", "get", "probe", "page_size").output.strip() == "20"


def test_an_unknown_setting_is_named_with_the_ones_there_are(crm):
    result = crm("settings", "get", "probe", "greting")
    assert result.exit_code == 1
    assert "Error: plugin 'probe' declares no setting 'greting' (its settings: greeting, page_size" in result.output
    assert "Traceback" not in result.output


def test_reset_goes_back_to_the_default(crm):
    crm("settings", "set", "probe", "greeting", "ahoy")
    assert crm("settings", "reset", "probe", "greeting").output.strip() == "probe.greeting = hello (default)"
    assert crm("settings", "get", "probe", "greeting").output.strip() == "hello"


async def test_a_change_from_the_command_line_reaches_the_running_app_at_once(crm_client, environment):
    # Another process, as an admin would run it beside the server.
    command = [str(Path(sys.executable).with_name("crm")), "settings", "set", "probe", "greeting", "ahoy"]
    done = subprocess.run(command, env={**os.environ, **environment}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (await crm_client.get("/api/v1/probe/greeting")).json()["greeting"] == "ahoy"
    [entry] = await audit.history("setting", 0)
    assert entry["actor_id"] is None
    assert entry["changes"] == {"setting": "probe.greeting", "value": {"from": "hello", "to": "ahoy"}}


def test_permissions_list_and_set_per_role(crm):
    assert _row(crm("permissions", "list").output, "probe.export").split() == ["probe.export", "admin,manager", "(default)"]
    assert crm("permissions", "set", "probe.export", "member", "admin").output.strip() == "probe.export: admin, member"
    assert _row(crm("permissions", "list").output, "probe.export").split() == ["probe.export", "admin,member"]


def test_permissions_set_names_an_unknown_role(crm):
    result = crm("permissions", "set", "probe.export", "owner")
    assert result.exit_code == 1
    assert "Error: roles: 'owner' is not a role; roles are admin, manager, member" in result.output


async def test_a_grant_from_the_command_line_counts_in_the_running_app_at_once(
    crm_running_app, crm_make_user, environment
):
    _, token = await crm_make_user("member@example.com", role="member")
    async with client_for(crm_running_app, token) as member:
        assert (await member.get("/api/v1/probe/export")).status_code == 403
        command = [str(Path(sys.executable).with_name("crm")), "permissions", "set", "probe.export", "admin", "member"]
        done = subprocess.run(command, env={**os.environ, **environment}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert (await member.get("/api/v1/probe/export")).status_code == 200
