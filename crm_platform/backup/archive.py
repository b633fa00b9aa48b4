"""``crm backup`` and ``crm restore``: one archive holding what an instance needs to come back.

The archive is a tar file (gzip-compressed when its name ends in ``.gz`` or ``.tgz``) with
``manifest.json``, the database and the uploaded files waiting in ``imports_dir``:

* SQLite: a copy made with SQLite's online backup API, consistent while the app and the worker
  go on writing (``database.sqlite3``). Restore writes it back through the same API, so other
  connections see the restored pages, never a half-copied file.
* PostgreSQL: ``pg_dump --format=custom`` (one snapshot, consistent while writes go on;
  ``database.dump``), restored with ``pg_restore --clean --single-transaction``. Both come from
  the ``postgresql-client`` package, whose major version must be at least the server's.

Plugins' tables live in the same database, so they are in the backup with the core's. The job
queue holds only ids of jobs whose state is in the database, and is left out.

The archive is written beside its final name and renamed when complete: a backup killed half
way leaves no archive that looks whole.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from crm_platform import __version__
from crm_platform.config import Settings
from crm_platform.errors import CrmError

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.dump"
FILES_MEMBER = "imports"


@dataclass(frozen=True)
class Summary:
    path: Path
    engine: str
    files: int
    size: int


def _engine_kind(url: str) -> str:
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        return "sqlite"
    if scheme in ("postgres", "postgresql"):
        return "postgresql"
    raise CrmError(f"CRM_DATABASE_URL: unsupported scheme {scheme!r}")


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise CrmError(f"{name} is not installed: install PostgreSQL's client programs "
                       f"(Debian: apt-get install postgresql-client) to back up or restore PostgreSQL")
    return found


def _run(command: list[str]) -> None:
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise CrmError(f"{Path(command[0]).name} failed: {finished.stderr.strip() or finished.stdout.strip()}")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy ``source`` into ``target`` page by page with SQLite's backup API."""
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _mode(path: Path, writing: bool) -> str:
    compressed = path.name.endswith((".gz", ".tgz"))
    return ("w:gz" if compressed else "w") if writing else ("r:gz" if compressed else "r")


def backup(settings: Settings, path: Path) -> Summary:
    """Write the instance's database and files to the archive at ``path``."""
    engine = _engine_kind(settings.database_url)
    files_dir = Path(settings.imports_dir)
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crm-backup-", dir=path.parent) as work:
        dump = Path(work) / (SQLITE_MEMBER if engine == "sqlite" else POSTGRES_MEMBER)
        if engine == "sqlite":
            source = _sqlite_path(settings.database_url)
            if not source.is_file():
                raise CrmError(f"no database at {source}: nothing to back up")
            _sqlite_copy(source, dump)
        else:
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--dbname={settings.database_url}", f"--file={dump}"])
        stored = sorted(item for item in files_dir.rglob("*") if item.is_file()) if files_dir.is_dir() else []
        manifest = {
            "format": FORMAT, "crm_platform": __version__, "engine": engine,
            "created_at": dt.datetime.now(dt.UTC).isoformat(), "files": len(stored),
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = Path(work) / "archive.partial"
        with tarfile.open(partial, _mode(path, writing=True)) as archive:
            archive.add(Path(work) / MANIFEST, MANIFEST)
            archive.add(dump, dump.name)
            for item in stored:
                archive.add(item, f"{FILES_MEMBER}/{item.relative_to(files_dir).as_posix()}")
        os.replace(partial, path)
    return Summary(path, engine, len(stored), path.stat().st_size)


def read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise CrmError(f"{path} is not a crm backup: it has no {MANIFEST}")
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise CrmError(f"{path}: backup format {manifest.get('format')!r} is not one this version reads ({FORMAT})")
    return manifest


def restore(settings: Settings, path: Path, database_is_empty: bool, force: bool) -> Summary:
    """Put the archive at ``path`` back: the database, then the files. Refuses to overwrite a
    database that holds data unless ``force``."""
    if not path.is_file():
        raise CrmError(f"no backup at {path}")
    engine = _engine_kind(settings.database_url)
    if not database_is_empty and not force:
        raise CrmError("the database already holds data; restoring would replace all of it. "
                       "Stop the app and the worker, then run again with --force to replace it")
    try:
        archive = tarfile.open(path, _mode(path, writing=False))
    except (tarfile.TarError, OSError) as exc:
        raise CrmError(f"{path} is not a readable backup archive: {exc}") from None
    with archive, tempfile.TemporaryDirectory(prefix="crm-restore-") as work:
        manifest = read_manifest(archive, path)
        if manifest["engine"] != engine:
            raise CrmError(f"{path} is a backup of a {manifest['engine']} database; "
                           f"CRM_DATABASE_URL is {engine}")
        archive.extractall(work, filter="data")
        if engine == "sqlite":
            target = _sqlite_path(settings.database_url)
            target.parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(Path(work) / SQLITE_MEMBER, target)
        else:
            _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", f"--dbname={settings.database_url}", str(Path(work) / POSTGRES_MEMBER)])
        files = _restore_files(Path(work) / FILES_MEMBER, Path(settings.imports_dir))
    return Summary(path, engine, files, path.stat().st_size)


def _restore_files(source: Path, target: Path) -> int:
    """The uploaded files become exactly the backup's: files uploaded since go, as their
    import runs (restored with the database) no longer know them."""
    if target.is_dir():
        shutil.rmtree(target)
    if not source.is_dir():
        return 0
    shutil.copytree(source, target)
    return sum(1 for item in target.rglob("*") if item.is_file())
