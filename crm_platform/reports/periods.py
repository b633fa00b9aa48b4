"""Days and months of timestamps in SQL on either engine, and weeks from days."""

from __future__ import annotations

import datetime as dt

from crm_platform import runtime
from crm_platform.db.engine import PostgresEngine


def on_postgres() -> bool:
    return isinstance(runtime.current().engine, PostgresEngine)


def day_sql(column: str) -> str:
    """``YYYY-MM-DD`` of ``column`` (UTC), as text."""
    if on_postgres():
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
    return f"substr({column}, 1, 10)"  # SQLite keeps timestamps as ISO text in UTC


def month_sql(column: str) -> str:
    """``YYYY-MM`` of ``column`` (UTC), as text."""
    if on_postgres():
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"
    return f"substr({column}, 1, 7)"


def week_sql(day_column: str) -> str:
    """The Monday (``YYYY-MM-DD``) of the ISO week of ``day_column``, itself ``YYYY-MM-DD`` text."""
    if on_postgres():
        return f"to_char(date_trunc('week', CAST({day_column} AS date)), 'YYYY-MM-DD')"
    return f"date({day_column}, 'weekday 0', '-6 days')"  # the Sunday ending its week, less six days


def week_of(day: str | dt.date) -> str:
    """The ISO week a day falls in, named by its Monday: ``2026-11-30``."""
    date = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
    return (date - dt.timedelta(days=date.weekday())).isoformat()


def days_between(first: object, last: object) -> float:
    """Days from ``first`` to ``last`` (datetimes or ISO text), to a tenth."""
    def moment(value: object) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        parsed = dt.datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)

    return round((moment(last) - moment(first)).total_seconds() / 86400, 1)
