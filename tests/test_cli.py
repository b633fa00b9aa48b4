"""The ``crm`` command, run as a user would, against a real migrated database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crm_platform.cli import cli

ADMIN = "boss@example.com"
PASSWORD = "correct horse battery"


@pytest.fixture
def crm(crm_engine, crm_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``crm(*args)`` runs the command on the test database from an empty directory."""
    monkeypatch.chdir(tmp_path)  # no crm.toml but the test's own
    environment = {
        "CRM_DATABASE_URL": crm_database_url,
        "CRM_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        "CRM_PLUGINS": "",
        "CRM_CONFIG": None,
    }

    def invoke(*args: str, env: dict[str, str | None] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env={**environment, **(env or {})}, catch_exceptions=False)

    return invoke


def _last_line(result: Result) -> str:
    return result.output.strip().splitlines()[-1]


def test_user_create_makes_a_user_with_the_role(crm):
    result = crm("user", "create", ADMIN, "--password", PASSWORD, "--role", "admin", "--team", "HQ", "--name", "Bo")
    assert result.exit_code == 0, result.output
    assert f"created admin {ADMIN}" in result.output


def test_user_create_refuses_an_unknown_role(crm):
    result = crm("user", "create", ADMIN, "--password", PASSWORD, "--role", "owner")
    assert result.exit_code == 2
    assert "'owner' is not one of 'admin', 'manager', 'member'" in result.output


def test_user_create_refuses_a_second_user_with_the_same_email(crm):
    crm("user", "create", ADMIN, "--password", PASSWORD, "--role", "admin")
    result = crm("user", "create", ADMIN.upper(), "--password", PASSWORD, "--role", "member")
    assert result.exit_code == 1
    assert f"Error: a user with email {ADMIN} already exists" in result.output
    assert "Traceback" not in result.output


def test_user_create_names_a_short_password(crm):
    result = crm("user", "create", ADMIN, "--password", "short", "--role", "admin")
    assert result.exit_code == 1
    assert "password: must be at least 8 characters" in result.output


def test_token_create_prints_the_token_last(crm):
    crm("user", "create", ADMIN, "--password", PASSWORD, "--role", "admin")
    result = crm("token", "create", ADMIN, "--name", "laptop")
    assert result.exit_code == 0, result.output
    assert _last_line(result).startswith("crm_")


def test_token_create_names_an_unknown_user(crm):
    result = crm("token", "create", "nobody@example.com")
    assert result.exit_code == 1
    assert "user nobody@example.com does not exist" in result.output


def test_a_revoked_token_cannot_be_revoked_again(crm):
    crm("user", "create", ADMIN, "--password", PASSWORD, "--role", "admin")
    token = _last_line(crm("token", "create", ADMIN))
    assert crm("token", "revoke", token[:12]).output.strip() == "revoked 1 token"
    again = crm("token", "revoke", token)
    assert again.exit_code == 1
    assert "no live token matches" in again.output


def test_plugins_list_shows_versions_states_and_why_a_plugin_failed(crm):
    result = crm("plugins", "list")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert lines["jobprobe"].split()[1:3] == ["1.0.0", "disabled"]
    assert "failed" in lines["badimport"]
    assert "RuntimeError: the probe of a broken import" in lines["badimport"]


def test_plugins_enable_and_disable_are_remembered(crm):
    assert crm("plugins", "enable", "jobprobe").output.strip() == "plugin jobprobe enabled"
    assert "enabled" in _plugin_line(crm, "jobprobe")
    assert crm("plugins", "disable", "jobprobe").output.strip() == "plugin jobprobe disabled"
    assert "disabled" in _plugin_line(crm, "jobprobe")


def _plugin_line(crm, slug: str) -> str:
    return next(line for line in crm("plugins", "list").output.splitlines() if line.startswith(slug + " "))


def test_plugins_enable_names_an_unknown_plugin(crm):
    result = crm("plugins", "enable", "nosuch")
    assert result.exit_code == 1
    assert "slug: no plugin named 'nosuch' is installed" in result.output


def test_plugins_enable_refuses_a_failed_plugin_with_the_reason(crm):
    result = crm("plugins", "enable", "badimport")
    assert result.exit_code == 1
    assert "failed to load" in result.output and "broken import" in result.output


def test_an_active_plugins_commands_join_crm(crm):
    crm("plugins", "enable", "probe")
    result = crm("probe", "hello")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "probe says hello"


def test_a_disabled_plugins_commands_are_absent(crm):
    result = crm("probe", "hello")
    assert result.exit_code == 2
    assert "No such command 'probe'" in result.output


def test_db_check_passes_on_a_migrated_database(crm):
    crm("migrate")  # the plugins' tables too
    result = crm("db", "check")
    assert result.exit_code == 0, result.output
    assert "schema up to date, database sound" in result.output


def test_db_check_fails_on_a_database_that_was_never_migrated(crm, tmp_path):
    result = crm("db", "check", env={"CRM_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    assert result.exit_code == 1
    assert "migration(s) not applied" in result.output


@pytest.mark.parametrize("crm_database_url", ["sqlite"], indirect=True)
def test_db_check_fails_when_the_search_index_is_out_of_step(crm, crm_database_url):
    import sqlite3

    crm("migrate")
    crm("demo", "--contacts", "20", "--seed", "1")
    connection = sqlite3.connect(crm_database_url.removeprefix("sqlite:///"))
    connection.execute("INSERT INTO crm_search_fts(crm_search_fts, rank) VALUES ('automerge', 0)")
    connection.execute("DELETE FROM crm_search_fts WHERE rowid = (SELECT min(id) FROM crm_search_entry)")
    connection.commit()
    connection.close()
    result = crm("db", "check")
    assert result.exit_code == 1
    assert "search index out of step" in result.output


def test_demo_loads_the_number_of_contacts_asked_for(crm):
    result = crm("demo", "--contacts", "120", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "120 contacts" in result.output
    assert "as admin@example.com with the password demo-" in result.output
    assert "crm user set-password admin@example.com" in result.output


def test_demo_if_empty_leaves_a_database_with_contacts_alone(crm):
    crm("demo", "--contacts", "30", "--seed", "3")
    result = crm("demo", "--contacts", "30", "--seed", "3", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "Contacts exist already; no demo data loaded." in result.output


def test_settings_come_from_crm_toml(crm, crm_database_url, tmp_path):
    crm("migrate")
    (tmp_path / "crm.toml").write_text(f'[crm]\ndatabase_url = "{crm_database_url}"\n')
    result = crm("db", "check", env={"CRM_DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    assert result.output.startswith(crm_database_url)


def test_a_bad_setting_in_crm_toml_is_named(crm, tmp_path):
    (tmp_path / "crm.toml").write_text('[crm]\ndatabse_url = "sqlite:///x.sqlite3"\n')
    result = crm("db", "check")
    assert result.exit_code == 1
    assert "unknown settings in crm.toml: databse_url" in result.output
