"""The duplicate scan (``crm duplicates scan``) in its own process over a database of
contacts, on SQLite: seconds, contacts per second and the process's peak memory (max RSS).
The contacts have unique emails and phones; their names come from short lists, so every
block of family name and initial is full and the name comparison does its most work.

    python -m bench --only duplicates
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench import _database
from bench.bench_imports import CLI, _timed

Row = tuple[str, float, str]
CONTACTS = 100_000


def run(quick: bool) -> list[Row]:
    contacts = 10_000 if quick else CONTACTS
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-duplicates-"))
    db = _database.build("sqlite", contacts, folder)
    command = [sys.executable, "-c", CLI, "duplicates", "scan", "--kind", "contact"]
    first_seconds, first_cpu, peak = _timed(command, db.environment)
    again_seconds, again_cpu, _ = _timed(command, db.environment)  # every pair is stored already
    return [
        (f"duplicate scan of {contacts} contacts (sqlite), first scan", first_seconds, "s"),
        ("duplicate scan, contacts per second", contacts / first_seconds, "contacts/s"),
        ("duplicate scan, CPU seconds", first_cpu, "CPU-s"),
        ("duplicate scan peak RSS", peak, "MB"),
        ("duplicate scan again (pairs stored already)", again_seconds, "s"),
        ("duplicate scan again, CPU seconds", again_cpu, "CPU-s"),
    ]
