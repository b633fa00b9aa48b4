"""SLA arithmetic: when a target of N business minutes falls due, and why.

Everything is in UTC instants; the calendar turns its local hours into instants day by day,
so a DST change or a time zone never needs special cases here. A pause (pending customer, on
hold) stops the clock: business time inside it does not count. The derivation says, in the
team's local time, what the due time was computed from, so an agent can check it by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crm_desk.sla.calendar import WEEKDAY_LABELS, Calendar

# A calendar has at least one working span a week; a year without one means only holidays.
MAX_DAYS = 3 * 366
Pause = tuple[dt.datetime, dt.datetime | None]


@dataclass(frozen=True)
class Due:
    """``at`` is ``None`` while the clock is paused with time still owed."""

    at: dt.datetime | None
    derivation: str


def _merged(pauses: Iterable[Pause]) -> list[tuple[dt.datetime, dt.datetime]]:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    spans = sorted((start, end or far) for start, end in pauses)
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _working(
    spans: Sequence[tuple[dt.datetime, dt.datetime]], pauses: Sequence[tuple[dt.datetime, dt.datetime]]
) -> list[tuple[dt.datetime, dt.datetime]]:
    """``spans`` less the paused stretches."""
    result = []
    for start, end in spans:
        cursor = start
        for pause_start, pause_end in pauses:
            if pause_end <= cursor or pause_start >= end:
                continue
            if pause_start > cursor:
                result.append((cursor, pause_start))
            cursor = max(cursor, pause_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def _local(calendar: Calendar, moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(calendar.zone)


def due_at(calendar: Calendar, start: dt.datetime, minutes: int, pauses: Iterable[Pause] = ()) -> Due:
    """When ``minutes`` business minutes after ``start`` have run, and the derivation."""
    paused = _merged(pauses) if pauses else []
    open_pause = paused[-1][0] if paused and paused[-1][1].year == dt.MAXYEAR else None
    remaining = dt.timedelta(minutes=minutes)
    day = _local(calendar, start).date()
    one_day = dt.timedelta(days=1)
    closed: list[int] = []
    holidays: list[dt.date] = []
    paused_total = dt.timedelta()
    for _ in range(MAX_DAYS):
        spans = calendar.spans_on(day)
        if not spans:
            (holidays.append(day) if day in calendar.holidays else closed.append(day.weekday()))
        for span_start, span_end in spans:
            if span_end <= start:
                continue
            if span_start < start:
                span_start = start
            if paused:
                pieces = _working([(span_start, span_end)], paused)
                paused_total += (span_end - span_start) - sum((e - s for s, e in pieces), dt.timedelta())
            else:
                pieces = ((span_start, span_end),)
            for piece_start, piece_end in pieces:
                length = piece_end - piece_start
                if length >= remaining:
                    at = piece_start + remaining
                    return Due(at, _derivation(calendar, at, start, minutes, closed, holidays, paused_total))
                remaining -= length
        if open_pause is not None and spans and spans[-1][1] > open_pause:
            return Due(None, _derivation(calendar, None, start, minutes, closed, holidays, paused_total))
        day += one_day
    raise ValueError(f"no working time within {MAX_DAYS} days of {start.isoformat()}: check the calendar's holidays")


def business_minutes(calendar: Calendar, start: dt.datetime, end: dt.datetime, pauses: Iterable[Pause] = ()) -> float:
    """Business minutes between two instants, pauses left out: the inverse of :func:`due_at`."""
    paused = _merged(pauses)
    total = dt.timedelta()
    day = _local(calendar, start).date()
    last = _local(calendar, end).date()
    while day <= last:
        spans = [(max(s, start), min(e, end)) for s, e in calendar.spans_on(day)]
        total += sum((e - s for s, e in _working([(s, e) for s, e in spans if e > s], paused)), dt.timedelta())
        day += dt.timedelta(days=1)
    return total / dt.timedelta(minutes=1)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _when(calendar: Calendar, moment: dt.datetime, start: dt.datetime) -> str:
    local = _local(calendar, moment)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if abs(moment - start) >= dt.timedelta(days=6):
        return f"{WEEKDAY_LABELS[local.weekday()]} {local.day:02d} {MONTHS[local.month - 1]} {clock}"
    return f"{WEEKDAY_LABELS[local.weekday()]} {clock}"


def _duration(minutes: int | float) -> str:
    minutes = int(round(minutes))
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{rest} business minute{'s' if rest != 1 else ''}"


def _weekday_runs(weekdays: list[int]) -> list[str]:
    """``[5, 6]`` as ``["Sat–Sun"]``: consecutive closed weekdays read as one run."""
    ordered = sorted(set(weekdays))
    runs: list[list[int]] = []
    for day in ordered:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [
        WEEKDAY_LABELS[run[0]] if len(run) == 1 else f"{WEEKDAY_LABELS[run[0]]}–{WEEKDAY_LABELS[run[-1]]}"
        for run in runs
    ]


def _derivation(
    calendar: Calendar, at: dt.datetime | None, start: dt.datetime, minutes: int,
    closed: list[int], holidays: list[dt.date], paused: dt.timedelta,
) -> str:
    parts = [f"created {_when(calendar, start, start)}", _duration(minutes)]
    parts += [f"{run} closed" for run in _weekday_runs(closed)]
    parts += [f"{day.day} {MONTHS[day.month - 1]} holiday" for day in holidays]
    if paused:
        parts.append(f"paused {_duration(paused / dt.timedelta(minutes=1)).replace('business ', '')}")
    head = f"due {_when(calendar, at, start)}" if at else "paused: no due time while waiting"
    return f"{head}: {', '.join(parts)} ({calendar.timezone})"
