"""A stored row kept as JSON in the merge journal, and turned back into column values."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from piccolo.columns import JSON, JSONB, Date, Timestamp, Timestamptz
from piccolo.table import Table


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with dates and times as ISO text, fit for a JSON column."""
    return json.loads(json.dumps(row, default=lambda value: value.isoformat() if hasattr(value, "isoformat") else str(value)))


def typed_values(table: type[Table], row: dict[str, Any]) -> dict[str, Any]:
    """The values of ``row`` (as :func:`as_json` kept them) for ``table``'s columns, with dates
    and times parsed back and JSON columns as text, ready for ``table(**values)``."""
    values: dict[str, Any] = {}
    for column in table._meta.columns:
        name = column._meta.name
        if name not in row:
            continue
        value = row[name]
        if value is not None and isinstance(column, (Timestamptz, Timestamp)) and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
            if isinstance(column, Timestamptz) and value.tzinfo is None:
                value = value.replace(tzinfo=dt.UTC)
        elif value is not None and isinstance(column, Date) and isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        elif isinstance(column, (JSON, JSONB)) and not isinstance(value, str):
            value = json.dumps(value)
        values[name] = value
    return values
