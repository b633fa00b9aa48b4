"""Five-field cron schedules, read the way huey reads them.

The plugin host checks every ``Job.schedule`` with :func:`parse_schedule` when a plugin
loads, so a schedule huey cannot read fails that plugin alone instead of the queue that
every plugin's jobs (and the core's reminders) share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from huey import crontab

FIELDS = ("minute", "hour", "day", "month", "day_of_week")
# Any moment will do: evaluating the schedule once catches what building it lets through.
_PROBE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

Schedule = Callable[[dt.datetime], bool]


def parse_schedule(job_name: str, schedule: str) -> Schedule:
    """The test huey applies each minute: ``True`` when a moment falls in ``schedule``.

    Raises ``ValueError`` naming the job, the schedule and the field that is wrong.
    """
    values = schedule.split()
    if len(values) != len(FIELDS):
        raise ValueError(
            f"job {job_name!r}: schedule {schedule!r} has {len(values)} fields; "
            "use five: minute hour day month day_of_week, e.g. '30 2 * * *'"
        )
    fields = dict(zip(FIELDS, values, strict=True))
    for name, value in fields.items():
        try:
            crontab(**{name: value}, strict=True)
        except ValueError as exc:
            raise ValueError(f"job {job_name!r}: schedule {schedule!r}: {name} {value!r} is invalid ({exc})") from None
    matches: Schedule = crontab(**fields, strict=True)
    matches(_PROBE)
    return matches


def is_due(job_name: str, schedule: str, moment: dt.datetime) -> bool:
    """Whether a job on ``schedule`` fires in the minute of ``moment`` (UTC)."""
    return parse_schedule(job_name, schedule)(moment.astimezone(dt.UTC))
