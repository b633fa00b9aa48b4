"""The ``crm`` command and plugins: what ``crm plugins list`` reports, a plugin's own command,
present while the plugin is enabled and gone while it is disabled, and ``crm plugins remove``."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import crm_hookspecs
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
    run.env = env
    return run


def _row(listing: str, slug: str) -> str:
    return next(line for line in listing.splitlines() if line.split()[:1] == [slug])


def test_plugins_list_shows_enabled_disabled_and_failed_with_the_reason(crm):
    listing = crm("plugins", "list").output
    assert "enabled" in _row(listing, "probe")
    assert "disabled" in _row(listing, "failing_listener")
    assert "failed" in _row(listing, "badrange")
    assert f"needs crm-hookspecs<1 (the hook contract), but {crm_hookspecs.__version__} is installed" in _row(
        listing, "badrange"
    )


def test_plugins_list_shows_why_a_plugin_with_a_bad_job_schedule_failed(crm):
    row = _row(crm("plugins", "list").output, "badschedule")
    assert "failed" in row
    assert "schedule '61 * * * *': minute '61' is invalid" in row


def test_plugins_list_shows_a_reason_with_brackets_as_written(crm):
    listing = crm("plugins", "list").output
    assert "failed" in _row(listing, "badfieldkey")
    assert "^[a-z][a-z0-9_]{0,59}$" in _row(listing, "badfieldkey")


def test_plugin_command_runs_while_the_plugin_is_enabled(crm):
    result = crm("probe", "hello")
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "probe says hello"


def test_a_plugin_command_reads_the_database_through_run_command(crm):
    assert crm("migrate").exit_code == 0
    result = crm("probe", "users")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "0 users"


def test_plugin_command_is_gone_while_the_plugin_is_disabled(crm):
    assert crm("plugins", "disable", "probe").exit_code == 0
    result = crm("probe", "hello")
    assert result.exit_code != 0
    assert "No such command 'probe'" in result.output
    assert "disabled" in _row(crm("plugins", "list").output, "probe")


# --- crm plugins remove -----------------------------------------------------------------------


def _database(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "crm.sqlite3")


def _add_note(tmp_path: Path) -> None:
    """A contact and a probe note on it, written as the plugin's table holds them."""
    with contextlib.closing(_database(tmp_path)) as connection, connection:
        contact_id = connection.execute(
            "INSERT INTO crm_contact (given_name, display_name) VALUES ('Ada', 'Ada') RETURNING id"
        ).fetchone()[0]
        connection.execute(
            "INSERT INTO probe_note (contact, text, created_at) VALUES (?, 'kept', '2026-12-01T09:00:00+00:00')",
            (contact_id,),
        )


def _tables(tmp_path: Path) -> set[str]:
    with contextlib.closing(_database(tmp_path)) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'probe%'")
        return {name for (name,) in rows}


def _notes(tmp_path: Path) -> list[str]:
    with contextlib.closing(_database(tmp_path)) as connection:
        return [text for (text,) in connection.execute("SELECT text FROM probe_note")]


def test_remove_without_purge_disables_the_plugin_and_keeps_its_data(crm, tmp_path):
    _add_note(tmp_path)
    result = crm("plugins", "remove", "probe")
    assert result.exit_code == 0, result.output
    assert "plugin probe disabled" in result.output
    assert "its data stays, and comes back when it is enabled again" in result.output
    assert "disabled" in _row(crm("plugins", "list").output, "probe")
    assert crm("plugins", "enable", "probe").exit_code == 0
    assert _notes(tmp_path) == ["kept"]
    assert crm("probe", "hello").exit_code == 0


def test_purge_asks_first_and_deletes_nothing_when_refused(crm, tmp_path):
    _add_note(tmp_path)
    result = CliRunner().invoke(cli, ["plugins", "remove", "probe", "--purge"], input="n\n", env=crm.env)
    assert result.exit_code == 1
    assert "Purging plugin probe deletes:" in result.output
    assert "The audit log keeps its entries" in result.output
    assert "Delete the data of plugin probe for good? [y/N]" in result.output
    assert _notes(tmp_path) == ["kept"]
    assert "enabled" in _row(crm("plugins", "list").output, "probe")


def test_purge_with_yes_drops_the_plugins_tables_and_says_what_it_removed(crm, tmp_path):
    _add_note(tmp_path)
    result = crm("plugins", "remove", "probe", "--purge", "--yes")
    assert result.exit_code == 0, result.output
    assert "plugin probe purged: migrations of probe reversed" in result.output
    assert "disabled" in _row(crm("plugins", "list").output, "probe")
    assert "pip uninstall crm-testplugin" in result.output
    assert _tables(tmp_path) == set()
    with contextlib.closing(_database(tmp_path)) as connection:
        assert connection.execute("SELECT count(*) FROM crm_contact").fetchone() == (1,)


def test_purge_confirmed_at_the_prompt_runs(crm, tmp_path):
    result = CliRunner().invoke(cli, ["plugins", "remove", "probe", "--purge"], input="y\n", env=crm.env)
    assert result.exit_code == 0, result.output
    assert _tables(tmp_path) == set()


def test_purge_refuses_a_plugin_that_failed_to_load_saying_why(crm):
    result = crm("plugins", "remove", "badrange", "--purge", "--yes")
    assert result.exit_code == 1
    assert "plugin 'badrange' failed to load (needs crm-hookspecs<1" in result.output
    assert "install a release that loads, then purge" in result.output


def test_remove_names_an_unknown_plugin(crm):
    result = crm("plugins", "remove", "nosuch", "--purge", "--yes")
    assert result.exit_code == 1
    assert "no plugin named 'nosuch' is installed" in result.output
