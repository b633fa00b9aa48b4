"""The core's CSV importer: any dialect and encoding :mod:`sniff` recognises, read row by row."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from crm_hookspecs import Importer

from crm_platform.imports.sniff import FileProblem, binary_kind, text_format

# A single cell larger than this is a broken file (an unclosed quote swallowing the rest).
MAX_CELL_CHARS = 1_000_000


def _reader(path: Path) -> tuple[Iterator[list[str]], object]:
    fmt = text_format(path)
    csv.field_size_limit(MAX_CELL_CHARS)
    file = path.open(encoding=fmt.encoding, newline="")
    return csv.reader(file, delimiter=fmt.delimiter), file


def header(path: str) -> list[str]:
    """The column names of the header row (see :func:`column_names`)."""
    reader, file = _reader(Path(path))
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise FileProblem(f"line 1: {exc}") from None
    finally:
        file.close()  # type: ignore[attr-defined]
    if not first or not any(cell.strip() for cell in first):
        raise FileProblem("the first line is empty; the first line must name the columns")
    return column_names(first)


def column_names(cells: list[str]) -> list[str]:
    """A header row's cells as column names: stripped, blanks named ``column 3``, a name given
    twice numbered (``email``, ``email (2)``) so every column can be mapped."""
    names: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = cell.strip().replace("\x00", "") or f"column {index}"
        candidate, copy = name, 2
        while candidate in names:
            candidate, copy = f"{name} ({copy})", copy + 1
        names.append(candidate)
    return names


def rows(path: str) -> Iterator[dict[str, str]]:
    """Each row after the header as ``{column: text}``; a short row lacks its missing cells, extra cells of a
    ragged row are kept under ``column N``. Blank lines are left out."""
    names = header(path)
    reader, file = _reader(Path(path))
    try:
        next(reader, None)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(f"line {reader.line_num}: {exc}") from None  # type: ignore[attr-defined]
            if not any(cell.strip() for cell in cells):
                continue
            row = dict(zip(names, (cell.replace("\x00", "") for cell in cells), strict=False))
            for index in range(len(names), len(cells)):
                row[f"column {index + 1}"] = cells[index]
            yield row
    finally:
        file.close()  # type: ignore[attr-defined]


def detect(head: bytes, filename: str) -> bool:
    return binary_kind(head) is None or filename.lower().endswith((".csv", ".tsv", ".txt"))


CSV = Importer(
    "csv", "CSV (comma, semicolon or tab separated)", detect=detect, columns=header, rows=rows,
    extensions=(".csv", ".tsv", ".txt"),
)
