"""The ``core.scheduled_backup`` job: an archive a day in ``CRM_BACKUP_DIR``, the newest
``CRM_BACKUP_KEEP`` kept.

Off while ``backup_dir`` is empty. Retention deletes only archives this job made (named
``crm-backup-<UTC time>.tar.gz``), so other files in the folder, archives written by hand with
``crm backup`` among them, are never touched. Names sort in the order they were made.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

from crm_platform import clock, runtime
from crm_platform.backup import archive
from crm_platform.config import Settings

JOB = "core.scheduled_backup"
SCHEDULE = "30 2 * * *"
PREFIX = "crm-backup-"
SUFFIX = ".tar.gz"
_NAME = re.compile(r"^crm-backup-\d{8}T\d{12}Z\.tar\.gz$")
log = logging.getLogger("crm.backup")


def _name(moment: dt.datetime) -> str:
    return f"{PREFIX}{moment.strftime('%Y%m%dT%H%M%S%f')}Z{SUFFIX}"


def made_here(folder: Path) -> list[Path]:
    """This job's archives in ``folder``, oldest first."""
    return sorted(path for path in folder.iterdir() if path.is_file() and _NAME.match(path.name))


def back_up_into(settings: Settings) -> Path | None:
    """Write one archive into ``settings.backup_dir`` and delete this job's archives beyond the
    newest ``settings.backup_keep``. ``None`` when scheduled backups are off."""
    if not settings.backup_dir:
        return None
    if settings.backup_keep < 1:
        raise ValueError(f"CRM_BACKUP_KEEP must be 1 or more, got {settings.backup_keep}")
    folder = Path(settings.backup_dir)
    folder.mkdir(parents=True, exist_ok=True)
    moment = clock.now()
    # Two runs within one microsecond (a clock held still in a test) still get names of their own.
    while (folder / _name(moment)).exists():
        moment += dt.timedelta(microseconds=1)
    summary = archive.backup(settings, folder / _name(moment))
    kept = made_here(folder)
    for old in kept[: -settings.backup_keep]:
        old.unlink(missing_ok=True)
    log.info("backed up the %s database to %s (%d bytes); %d older backup(s) removed",
             summary.engine, summary.path, summary.size, max(0, len(kept) - settings.backup_keep))
    return summary.path


def scheduled_backup() -> str:
    """The job's body (a plain function: the worker runs it in a thread, off the loop)."""
    path = back_up_into(runtime.current().settings)
    return "" if path is None else str(path)
