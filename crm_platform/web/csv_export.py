"""CSV exports that spreadsheets open as data: every cell of every export goes through
:func:`spreadsheet_safe` (the core's lists and the plugins' exports alike, through the toolkit)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

# A spreadsheet takes a cell starting with one of these for a formula (OWASP's CSV injection
# list: a tab or a carriage return hides what follows it, the others start one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` as a CSV cell: text that a spreadsheet would run as a formula is prefixed
    with ``'`` so it stays text, ``None`` is an empty cell, empty text stays empty, and
    numbers (a negative amount too) stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_document(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV text with ``header`` and ``rows``, every cell through :func:`spreadsheet_safe`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet_safe(name) for name in header])
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return out.getvalue()
