"""The core's spreadsheet importer: the first sheet of an ``.xlsx`` workbook, its first row
naming the columns, read row by row (openpyxl's read-only mode streams the sheet's XML).

A workbook is a zip archive, so it is checked before it is opened: at most
:data:`MAX_ENTRIES` entries, :data:`MAX_UNCOMPRESSED` bytes once unpacked, and no entry that
unpacks to more than :data:`MAX_RATIO` times its packed size (a zip bomb). Cells become the
text a person sees: dates as ``2024-03-31``, whole numbers without ``.0`` (phone numbers a
spreadsheet stored as numbers keep their digits).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from crm_hookspecs import Importer

from crm_platform.imports.csvfile import MAX_CELL_CHARS, column_names
from crm_platform.imports.sniff import FileProblem

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 1024 * 1024 * 1024
# Sheet XML packs well (20 to 50 times); hundreds of times is a file made to explode.
MAX_RATIO = 200
# An entry smaller than this unpacked is never a bomb, whatever its ratio.
_RATIO_FLOOR = 1024 * 1024
MAX_ROWS = 1_048_576  # what a sheet holds at most


def check_archive(path: Path) -> None:
    """:class:`FileProblem` unless ``path`` is a zip within the limits that holds a workbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileProblem("the file is not a readable .xlsx workbook; save it again from the spreadsheet") from None
    if len(entries) > MAX_ENTRIES:
        raise FileProblem(f"the workbook holds {len(entries):,} files; at most {MAX_ENTRIES:,} are read")
    total = sum(entry.file_size for entry in entries)
    if total > MAX_UNCOMPRESSED:
        raise FileProblem(f"the workbook unpacks to {total:,} bytes; at most {MAX_UNCOMPRESSED:,} bytes are read")
    for entry in entries:
        if entry.file_size > _RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise FileProblem(f"the workbook's {entry.filename} unpacks to over {MAX_RATIO} times its size; "
                              "it is refused as a zip bomb")
    if not any(entry.filename == "xl/workbook.xml" for entry in entries):
        raise FileProblem("the zip archive is not an .xlsx workbook (it has no xl/workbook.xml)")


def cell_text(value: Any) -> str:
    """A cell's value as the text a person reads in the spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if not value.microsecond else "microseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).replace("\x00", "")


def _sheet_rows(path: str) -> Iterator[tuple[Any, ...]]:
    from openpyxl import load_workbook  # imported here: only spreadsheet imports need it

    check_archive(Path(path))
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem("the workbook cannot be read; save it again as .xlsx from the spreadsheet") from None
    try:
        if not workbook.worksheets:
            raise FileProblem("the workbook has no sheet")
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _texts(cells: tuple[Any, ...], row_number: int) -> list[str]:
    texts = [cell_text(cell) for cell in cells]
    for index, text in enumerate(texts, start=1):
        if len(text) > MAX_CELL_CHARS:
            raise FileProblem(f"row {row_number}, column {index}: a cell of over {MAX_CELL_CHARS:,} characters")
    return texts


def header(path: str) -> list[str]:
    """The names of the first sheet's first row, as :func:`csvfile.column_names` gives them."""
    first = next(_sheet_rows(path), None)
    texts = _texts(first or (), 1)
    while texts and not texts[-1].strip():  # a sheet pads every row to its widest
        texts.pop()
    if not texts:
        raise FileProblem("the first row of the first sheet is empty; it must name the columns")
    return column_names(texts)


def rows(path: str) -> Iterator[dict[str, str]]:
    """Each row after the header as ``{column: text}``; empty rows are left out."""
    names = header(path)
    for number, cells in enumerate(_sheet_rows(path), start=1):
        if number == 1:
            continue
        if number > MAX_ROWS + 1:
            raise FileProblem(f"the sheet has over {MAX_ROWS:,} rows; split it into smaller files")
        texts = _texts(cells, number)
        if not any(text.strip() for text in texts):
            continue
        row = dict(zip(names, texts, strict=False))
        for index in range(len(names), len(texts)):
            if texts[index]:
                row[f"column {index + 1}"] = texts[index]
        yield row


def detect(head: bytes, filename: str) -> bool:
    return head.startswith(b"PK\x03\x04") and (filename.lower().endswith((".xlsx", ".xlsm")) or b"xl/" in head)


XLSX = Importer(
    "xlsx", "Excel workbook (.xlsx, first sheet)", detect=detect, columns=header, rows=rows,
    extensions=(".xlsx", ".xlsm"),
)
