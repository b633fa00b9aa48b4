"""Without CRM_SECRET_KEY the instance makes one key and keeps it beside its database."""

from __future__ import annotations

import stat
from pathlib import Path

from crm_platform.config import Settings
from crm_platform.web.security import secret_key


def _settings(folder: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{folder}/crm.sqlite3", jobs_url=f"sqlite:///{folder}/jobs.sqlite3")


def test_the_made_key_is_kept_across_restarts(tmp_path: Path) -> None:
    first = secret_key(_settings(tmp_path))
    assert len(first) == 64
    assert secret_key(_settings(tmp_path)) == first
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_instance_folder_has_its_own_key(tmp_path: Path) -> None:
    assert secret_key(_settings(tmp_path / "a")) != secret_key(_settings(tmp_path / "b"))


def test_a_configured_key_wins_and_writes_nothing(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/crm.sqlite3", secret_key="chosen")
    assert secret_key(settings) == "chosen"
    assert not (tmp_path / "secret_key").exists()
