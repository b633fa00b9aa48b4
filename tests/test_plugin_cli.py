"""The ``crm`` command and plugins: what ``crm plugins list`` reports, and a plugin's own
command, present while the plugin is enabled and gone while it is disabled."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crm_platform.cli import cli


@pytest.fixture
def crm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``crm(*args)`` on a migrated SQLite database of the test's own, with ``probe`` enabled."""
    monkeypatch.chdir(tmp_path)
    env = {
        "CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}",
        "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        "CRM_PLUGINS": "probe",
    }

    def run(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=env)

    assert run("migrate").exit_code == 0
    return run


def _row(listing: str, slug: str) -> str:
    return next(line for line in listing.splitlines() if line.split()[:1] == [slug])


def test_plugins_list_shows_enabled_disabled_and_failed_with_the_reason(crm):
    listing = crm("plugins", "list").output
    assert "enabled" in _row(listing, "probe")
    assert "disabled" in _row(listing, "failing_listener")
    assert "failed" in _row(listing, "badrange")
    assert "needs crm-hookspecs<1, but 1.0.0 is installed" in _row(listing, "badrange")


def test_plugins_list_shows_a_reason_with_brackets_as_written(crm):
    listing = crm("plugins", "list").output
    assert "failed" in _row(listing, "badfieldkey")
    assert "^[a-z][a-z0-9_]{0,59}$" in _row(listing, "badfieldkey")


def test_plugin_command_runs_while_the_plugin_is_enabled(crm):
    result = crm("probe", "hello")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "probe says hello"


def test_plugin_command_is_gone_while_the_plugin_is_disabled(crm):
    assert crm("plugins", "disable", "probe").exit_code == 0
    result = crm("probe", "hello")
    assert result.exit_code != 0
    assert "No such command 'probe'" in result.output
    assert "disabled" in _row(crm("plugins", "list").output, "probe")
