"""Business hours: when a team works, in its own time zone, and which days it does not.

A calendar is pure data; :func:`Calendar.build` checks what an admin typed and raises
``CalendarError`` naming the field, so a bad calendar is refused before it reaches a ticket.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class CalendarError(ValueError):
    """A calendar that cannot be used; ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Calendar:
    """``hours[weekday]`` (0 is Monday) are the day's working spans as local ``(start, end)``
    times, sorted and apart; ``holidays`` are local dates on which nobody works."""

    timezone: str
    hours: tuple[tuple[tuple[dt.time, dt.time], ...], ...]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def build(cls, timezone: str, hours: dict[str, list[list[str]]], holidays: list[str] = ()) -> Calendar:
        """A calendar from plain values: ``hours`` as ``{"mon": [["09:00", "17:00"]], ...}``,
        ``holidays`` as ISO dates."""
        errors: dict[str, str] = {}
        try:
            ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = f"{timezone!r} is not a time zone: use an IANA name such as Europe/Berlin"
        unknown = sorted(set(hours) - set(WEEKDAYS))
        if unknown:
            errors["hours"] = f"unknown day {unknown[0]!r}: use {', '.join(WEEKDAYS)}"
        days: list[tuple[tuple[dt.time, dt.time], ...]] = []
        for day in WEEKDAYS:
            spans = []
            for number, span in enumerate(hours.get(day) or []):
                where = f"hours.{day}[{number}]"
                try:
                    start, end = (dt.time.fromisoformat(part) for part in span)
                except (TypeError, ValueError):
                    errors[where] = "must be two times such as [\"09:00\", \"17:00\"]"
                    continue
                if end <= start:
                    errors[where] = f"ends at {end:%H:%M}, not after it starts at {start:%H:%M}"
                    continue
                spans.append((start, end))
            spans.sort()
            for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                if start < end:
                    errors[f"hours.{day}"] = f"spans overlap: one starts at {start:%H:%M} before another ends at {end:%H:%M}"
            days.append(tuple(spans))
        if not errors and not any(days):
            errors["hours"] = "no working hours at all: give at least one day a span such as [\"09:00\", \"17:00\"]"
        dates = set()
        for number, raw in enumerate(holidays or ()):
            try:
                dates.add(dt.date.fromisoformat(str(raw)))
            except ValueError:
                errors[f"holidays[{number}]"] = f"{raw!r} is not a date such as 2026-12-25"
        if errors:
            raise CalendarError(errors)
        return cls(str(timezone), tuple(days), frozenset(dates))

    def to_plain(self) -> dict:
        return {
            "timezone": self.timezone,
            "hours": {
                WEEKDAYS[index]: [[f"{start:%H:%M}", f"{end:%H:%M}"] for start, end in spans]
                for index, spans in enumerate(self.hours) if spans
            },
            "holidays": sorted(day.isoformat() for day in self.holidays),
        }

    def spans_on(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The day's working spans as UTC instants (none on a holiday). Local times are
        placed with ``zoneinfo``, so a DST change moves them with the wall clock."""
        cache = self.__dict__.get("_days")
        if cache is None:
            cache = {}
            object.__setattr__(self, "_days", cache)
        found = cache.get(day)
        if found is None:
            found = cache[day] = _spans_on(self, day)
        return found


def _spans_on(calendar: Calendar, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    # Kept per calendar and day (``spans_on``): a queue computes due times over the same few
    # weeks for thousands of tickets.
    if day in calendar.holidays:
        return ()
    zone = calendar.zone
    return tuple(
        (
            dt.datetime.combine(day, start, zone).astimezone(dt.UTC),
            dt.datetime.combine(day, end, zone).astimezone(dt.UTC),
        )
        for start, end in calendar.hours[day.weekday()]
    )


STANDARD_HOURS = {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]}


def standard(timezone: str = "UTC") -> Calendar:
    """Monday to Friday, nine to five: the calendar of a team that has none of its own."""
    return Calendar.build(timezone, STANDARD_HOURS)
