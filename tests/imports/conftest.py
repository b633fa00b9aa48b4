"""Files to import, written by the tests themselves."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """``write_csv(rows, name="people.csv", delimiter=",", encoding="utf-8")`` with the first
    row the header; returns the file's path."""

    def write(rows: list[list[str]], name: str = "people.csv", delimiter: str = ",", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        with path.open("w", encoding=encoding, newline="") as file:
            csv.writer(file, delimiter=delimiter).writerows(rows)
        return path

    return write
