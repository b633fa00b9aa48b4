"""What time it is, in UTC, and how tests hold the clock still.

Code that decides by the time (a task falling due, a scheduled job's minute, a lease running
out) asks :func:`now` rather than the system clock, so a test can stand the clock at the
moment it needs (``crm_platform.testing``'s ``crm_clock`` fixture) and see what happens then.
Times are stored in UTC.
"""

from __future__ import annotations

import datetime as dt

# The moment the clock stands at while a test holds it, or None for the system clock. One
# value for the process: jobs run in threads and on the jobs loop, where a context
# variable set by the test would not be seen.
_frozen: dt.datetime | None = None


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A time without a zone is taken as UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def now() -> dt.datetime:
    """The current time in UTC: the system clock's, or the moment a test stood the clock at."""
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def freeze(moment: dt.datetime | None) -> None:
    """Stand the clock at ``moment`` (a time without a zone is UTC) until frozen again;
    ``None`` lets it run with the system clock. For tests: use the ``crm_clock`` fixture."""
    global _frozen
    _frozen = None if moment is None else as_utc(moment)
