"""Importing contacts from a CSV file with ``crm import`` in its own process, as a user runs
it: the dry run and the commit (matching on email), in rows per second and the process's
peak memory (max RSS), on SQLite with existing contacts in the database.

    python -m bench --only imports
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import _database

Row = tuple[str, float, str]
ROWS = 100_000
EXISTING = 100_000
CLI = "from crm_platform.cli import main; main()"
MAPPING = "First name=given_name,Last name=family_name,Email=email,Phone=phone,Title=job_title,Tags=tags"


def _write_csv(path: Path, rows: int, start: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["First name", "Last name", "Email", "Phone", "Title", "Tags"])
        for n in range(start, start + rows):
            given, family = _database.GIVEN[n % len(_database.GIVEN)], _database.FAMILY[n % len(_database.FAMILY)]
            writer.writerow([given, family, f"{given.lower()}.{n}@import.example", f"+44 20 7946 {n % 10000:04d}",
                             _database.TITLES[n % len(_database.TITLES)], _database.TAGS[n % len(_database.TAGS)]])


def _timed(command: list[str], environment: dict[str, str]) -> tuple[float, float]:
    """Seconds and the peak RSS in MB of the command, run as a child of its own."""
    wrapper = (
        "import resource, subprocess, sys, json; started = __import__('time').perf_counter();"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        "print(json.dumps([__import__('time').perf_counter() - started,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *command], env=environment, check=True,
                          capture_output=True, text=True)
    seconds, peak = json.loads(done.stdout.strip().splitlines()[-1])
    return seconds, peak


def run(quick: bool) -> list[Row]:
    rows, existing = (10_000, 10_000) if quick else (ROWS, EXISTING)
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-imports-"))
    db = _database.build("sqlite", existing, folder)
    environment = {**db.environment, "CRM_IMPORTS_DIR": str(folder / "imports")}
    path = folder / "contacts.csv"
    _write_csv(path, rows, start=0)
    base = [sys.executable, "-c", CLI, "import", str(path), "--mapping", MAPPING, "--match", "email"]
    dry_seconds, dry_peak = _timed([*base, "--dry-run"], environment)
    commit_seconds, commit_peak = _timed(base, environment)
    rerun_seconds, _ = _timed(base, environment)  # every row matches: skipped as unchanged
    return [
        (f"import dry run, {rows} CSV rows into {existing} contacts (sqlite)", rows / dry_seconds, "rows/s"),
        ("import dry run peak RSS", dry_peak, "MB"),
        (f"import commit, {rows} new contacts matched on email (sqlite)", rows / commit_seconds, "rows/s"),
        ("import commit peak RSS", commit_peak, "MB"),
        (f"import re-run of the same {rows} rows (all unchanged)", rows / rerun_seconds, "rows/s"),
    ]
