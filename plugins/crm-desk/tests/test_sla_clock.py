"""SLA arithmetic as properties: across weekends, holidays, DST changes in Europe/Berlin and
America/New_York, and pauses, a due time is always the moment the target's business minutes
have run, inside working hours, and the derivation says what it was computed from."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_desk.sla.calendar import Calendar, CalendarError
from crm_desk.sla.clock import business_minutes, due_at

WEEKDAYS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
SPLIT = {day: [["08:00", "12:00"], ["13:00", "18:30"]] for day in ("mon", "tue", "wed", "thu")} | {"sat": [["10:00", "14:00"]]}
HOLIDAYS = ["2026-12-25", "2026-12-26", "2027-01-01", "2027-03-29", "2026-11-26"]
CALENDARS = st.sampled_from([
    Calendar.build("Europe/Berlin", WEEKDAYS, HOLIDAYS),
    Calendar.build("America/New_York", WEEKDAYS, HOLIDAYS),
    Calendar.build("America/New_York", SPLIT, HOLIDAYS),
    Calendar.build("Europe/Berlin", SPLIT, []),
])
# Around the DST changes of 2026 and 2027 on both sides of the Atlantic, and Christmas.
MOMENTS = st.datetimes(
    min_value=dt.datetime(2026, 3, 1), max_value=dt.datetime(2027, 4, 15), timezones=st.just(dt.UTC)
)
MINUTES = st.integers(min_value=1, max_value=60 * 60)


def _working_at(calendar: Calendar, moment: dt.datetime) -> bool:
    """Whether the local wall clock is inside (or at the end of) a working span that day."""
    local = moment.astimezone(calendar.zone)
    if local.date() in calendar.holidays:
        return False
    return any(start <= local.time().replace(tzinfo=None) <= end for start, end in calendar.hours[local.weekday()])


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, minutes=MINUTES)
def test_the_due_time_is_when_the_business_minutes_have_run(calendar, start, minutes):
    due = due_at(calendar, start, minutes)
    assert due.at > start
    assert business_minutes(calendar, start, due.at) == pytest.approx(minutes)
    assert _working_at(calendar, due.at)
    assert f"{minutes // 60} business hour" in due.derivation or "min" in due.derivation


@settings(max_examples=200, deadline=None)
@given(calendar=CALENDARS, start=MOMENTS, minutes=MINUTES, more=st.integers(min_value=1, max_value=600))
def test_a_longer_target_is_never_due_sooner(calendar, start, minutes, more):
    assert due_at(calendar, start, minutes + more).at > due_at(calendar, start, minutes).at


@settings(max_examples=200, deadline=None)
@given(
    calendar=CALENDARS, start=MOMENTS, minutes=MINUTES,
    pause_after=st.integers(min_value=0, max_value=60 * 24 * 10), pause_for=st.integers(min_value=1, max_value=60 * 24 * 10),
)
def test_a_pause_moves_the_due_time_by_the_business_time_it_held(calendar, start, minutes, pause_after, pause_for):
    pause_start = start + dt.timedelta(minutes=pause_after)
    pause_end = pause_start + dt.timedelta(minutes=pause_for)
    plain = due_at(calendar, start, minutes)
    paused = due_at(calendar, start, minutes, [(pause_start, pause_end)])
    assert paused.at >= plain.at
    assert business_minutes(calendar, start, paused.at, [(pause_start, pause_end)]) == pytest.approx(minutes)
    held = business_minutes(calendar, pause_start, min(pause_end, paused.at))
    if pause_start < plain.at:
        assert held > 0 or paused.at == plain.at
    else:
        assert paused.at == plain.at


def test_the_derivation_explains_a_weekend_and_a_holiday():
    calendar = Calendar.build("Europe/Berlin", WEEKDAYS, ["2026-12-25"])
    # Thursday 24 December, 16:00 in Berlin.
    due = due_at(calendar, dt.datetime(2026, 12, 24, 15, tzinfo=dt.UTC), 8 * 60)
    assert due.at == dt.datetime(2026, 12, 28, 15, tzinfo=dt.UTC)
    assert due.derivation == (
        "due Mon 16:00: created Thu 16:00, 8 business hours, Sat–Sun closed, 25 Dec holiday (Europe/Berlin)"
    )


def test_the_working_day_keeps_its_wall_clock_hours_across_the_dst_change():
    calendar = Calendar.build("America/New_York", WEEKDAYS)
    # Friday 6 March 2026, 16:00 EST; the clocks go forward on Sunday 8 March.
    due = due_at(calendar, dt.datetime(2026, 3, 6, 21, tzinfo=dt.UTC), 2 * 60)
    assert due.at == dt.datetime(2026, 3, 9, 14, tzinfo=dt.UTC)  # Monday 10:00 EDT
    assert due.derivation.startswith("due Mon 10:00: created Fri 16:00, 2 business hours, Sat–Sun closed")


def test_an_open_pause_has_no_due_time_and_says_why():
    calendar = Calendar.build("Europe/Berlin", WEEKDAYS)
    start = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
    due = due_at(calendar, start, 8 * 60, [(start + dt.timedelta(hours=1), None)])
    assert due.at is None and due.derivation.startswith("paused: no due time while waiting")


@pytest.mark.parametrize(("timezone", "hours", "field"), [
    ("Europe/Berlin", {}, "hours"),
    ("Europe/Berlin", {"mon": [["09:00", "13:00"], ["12:00", "17:00"]]}, "hours.mon"),
    ("Europe/Berlin", {"mon": [["17:00", "09:00"]]}, "hours.mon[0]"),
    ("Europe/Berlin", {"funday": [["09:00", "17:00"]]}, "hours"),
    ("Mars/Olympus_Mons", WEEKDAYS, "timezone"),
    ("Europe/Berlin", {"mon": [["nine", "five"]]}, "hours.mon[0]"),
])
def test_a_bad_calendar_is_refused_naming_what_is_wrong(timezone, hours, field):
    with pytest.raises(CalendarError) as caught:
        Calendar.build(timezone, hours)
    assert field in caught.value.errors
