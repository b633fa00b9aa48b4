"""Every migration of an app has its own ID: Piccolo knows a migration by its ID alone, so a
second migration with a taken ID is taken as already applied and never runs."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = sorted({path.parent for path in ROOT.glob("**/migrations/*.py")
                  if ".venv" not in path.parts and path.name != "__init__.py"})


def _ids(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.glob("*.py")):
        match = re.search(r'^ID = "([^"]+)"', path.read_text(), re.M)
        if match:
            found[path.name] = match.group(1)
    return found


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda folder: str(folder.relative_to(ROOT)))
def test_the_migrations_of_an_app_have_distinct_ids_in_file_order(folder):
    ids = _ids(folder)
    taken = [migration_id for migration_id, count in Counter(ids.values()).items() if count > 1]
    assert taken == [], f"{folder.relative_to(ROOT)}: IDs used twice: {taken}"
    assert list(ids.values()) == sorted(ids.values()), f"{folder.relative_to(ROOT)}: IDs out of file order: {ids}"


def test_every_app_with_migrations_is_checked():
    assert ROOT / "crm_platform" / "migrations" in FOLDERS
    assert len(FOLDERS) >= 8
