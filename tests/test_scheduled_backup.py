"""The ``core.scheduled_backup`` job: with ``CRM_BACKUP_DIR`` set, the worker writes an archive
there every day at 02:30 UTC and keeps the newest ``CRM_BACKUP_KEEP``; the newest brings the
data back. Off when the folder is not set."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from crm_platform.backup import archive
from crm_platform.backup.scheduled import JOB, back_up_into, made_here
from crm_platform.config import Settings
from crm_platform.db.raw import execute, fetch

pytestmark = pytest.mark.postgres


@pytest.fixture
def backup_dir(tmp_path: Path) -> Path:
    return tmp_path / "backups"


@pytest.fixture
def crm_settings(crm_settings: Settings, backup_dir: Path) -> Settings:
    return dataclasses.replace(crm_settings, backup_dir=str(backup_dir), backup_keep=2)


async def _names() -> list[str]:
    return [row["display_name"] for row in await fetch("SELECT display_name FROM crm_contact ORDER BY id")]


async def _back_up_on(day: int, crm_clock, crm_run_jobs) -> None:
    crm_clock.set(dt.datetime(2030, 5, day, 2, 30, tzinfo=dt.UTC))
    outcomes = [outcome for outcome in await crm_run_jobs() if outcome.job_name == JOB]
    assert [outcome.ok for outcome in outcomes] == [True]


async def test_the_daily_backup_keeps_the_newest_and_the_newest_restores(
        crm_client, crm_clock, crm_run_jobs, crm_settings, backup_dir):
    backup_dir.mkdir()
    (backup_dir / "notes.txt").write_text("not ours")
    (backup_dir / "crm-backup-by-hand.tar.gz").write_text("not ours either")
    for day, name in ((1, "Ada"), (2, "Bob"), (3, "Carol")):
        assert (await crm_client.post("/api/v1/contacts", json={"given_name": name})).status_code == 201
        await _back_up_on(day, crm_clock, crm_run_jobs)

    kept = made_here(backup_dir)
    assert [path.name[:len("crm-backup-20300502")] for path in kept] == ["crm-backup-20300502", "crm-backup-20300503"]
    assert (backup_dir / "notes.txt").read_text() == "not ours"
    assert (backup_dir / "crm-backup-by-hand.tar.gz").exists()

    await execute("DELETE FROM crm_contact WHERE display_name = {}", "Carol")
    assert await _names() == ["Ada", "Bob"]
    await asyncio.to_thread(archive.restore, crm_settings, kept[-1], False, True)
    assert await _names() == ["Ada", "Bob", "Carol"]


async def test_a_run_at_another_minute_writes_nothing(crm_client, crm_clock, crm_run_jobs, backup_dir):
    crm_clock.set(dt.datetime(2030, 5, 1, 3, 30, tzinfo=dt.UTC))
    assert [outcome for outcome in await crm_run_jobs() if outcome.job_name == JOB] == []
    assert not backup_dir.exists()


async def test_without_a_folder_scheduled_backups_are_off(crm_client, crm_settings, tmp_path):
    before = sorted(tmp_path.rglob("*"))
    assert await asyncio.to_thread(back_up_into, dataclasses.replace(crm_settings, backup_dir="")) is None
    assert sorted(tmp_path.rglob("*")) == before


async def test_keeping_fewer_than_one_is_refused_naming_the_setting(crm_client, crm_settings, backup_dir):
    with pytest.raises(ValueError, match="CRM_BACKUP_KEEP must be 1 or more"):
        back_up_into(dataclasses.replace(crm_settings, backup_keep=0))
    assert not backup_dir.exists()
