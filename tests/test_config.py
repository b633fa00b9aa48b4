"""Configuration: crm.toml, overridden by CRM_* variables, with clear errors."""

from __future__ import annotations

import pytest

from crm_platform.config import DEFAULT_DATABASE_URL, load_settings


def test_defaults_use_sqlite_under_var(tmp_path):
    settings = load_settings(environ={}, config_file=tmp_path / "missing.toml")
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///var/crm.sqlite3"
    assert settings.port == 8000


def test_environment_overrides_the_file(tmp_path):
    config = tmp_path / "crm.toml"
    config.write_text('[crm]\nport = 9000\ndefault_region = "GB"\ndebug = true\n')
    settings = load_settings(environ={"CRM_PORT": "9100"}, config_file=config)
    assert (settings.port, settings.default_region, settings.debug) == (9100, "GB", True)


def test_crm_plugins_all_or_a_list():
    assert load_settings(environ={"CRM_PLUGINS": "all"}).plugins_to_enable is None
    assert load_settings(environ={"CRM_PLUGINS": "sales, desk"}).plugins_to_enable == {"sales", "desk"}


def test_a_wrong_value_or_unknown_setting_names_it(tmp_path):
    with pytest.raises(ValueError, match="expected a whole number, got 'eighty'"):
        load_settings(environ={"CRM_PORT": "eighty"}, config_file=tmp_path / "none.toml")
    config = tmp_path / "crm.toml"
    config.write_text("[crm]\ncolour = 'blue'\n")
    with pytest.raises(ValueError, match="unknown settings in .*: colour"):
        load_settings(environ={}, config_file=config)


def test_no_proxy_is_trusted_unless_named(tmp_path):
    assert load_settings({}, tmp_path / "none.toml").trusted_proxies == ""
    named = load_settings({"CRM_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}, tmp_path / "none.toml")
    assert named.trusted_proxies == "127.0.0.1, 10.0.0.0/8"
