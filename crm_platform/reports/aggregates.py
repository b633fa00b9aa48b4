"""Daily activity counts for the reports, kept up to date from the activities' events.

Each activity adds one to a few cells of ``crm_report_activity_day`` (owner, person, day,
kind): the day it occurred, the day it was done, the day it is due with how it went. What it
added is kept in ``crm_report_activity_tally``; when an event names an activity (logged,
edited, deleted, restored, merged), :func:`reconcile` takes back what the tally says and adds
what the activity says now. That is idempotent and needs no "before" values, so an event seen
twice or late still leaves the counts exact. :func:`rebuild` recomputes everything, for an
existing database or after writes that sent no event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crm_hookspecs import Event, Principal

from crm_platform.db.unit import after_delivery, delivery_cache
from crm_platform.reports import contact_aggregates, tallies
from crm_platform.reports.periods import day_sql

DAYS = "crm_report_activity_day"
TALLY = "crm_report_activity_tally"
KIND = "activity"
TALLY_COLUMNS = ("activity", "owner", "person", "type", "logged_day", "done_day", "due_day", "due_state")


def _current_sql(where: str) -> str:
    """What each activity counts towards, computed by the database the same way for
    :func:`rebuild` and :func:`reconcile` (0 for nobody: the cells need a value to match)."""
    return (
        "SELECT id AS activity, coalesce(owner, 0) AS owner, coalesce(assignee, owner, 0) AS person, type, "
        f"{day_sql('occurred_at')} AS logged_day, "
        f"CASE WHEN done THEN {day_sql('done_at')} END AS done_day, "
        f"{day_sql('due_at')} AS due_day, "
        "CASE WHEN due_at IS NULL THEN '' WHEN NOT done THEN 'open' WHEN done_at IS NULL THEN '' "
        "WHEN done_at <= due_at THEN 'on_time' ELSE 'late' END AS due_state "
        f"FROM crm_activity {where}"
    )


def _cells(row: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    """The (day, kind, owner, person) cells a tally row adds one to."""
    owner, person = int(row["owner"] or 0), int(row["person"] or 0)
    cells = []
    if row["logged_day"]:
        cells.append((row["logged_day"], f"logged:{row['type']}", owner, person))
    if row["done_day"]:
        cells.append((row["done_day"], "done", owner, person))
    if row["due_day"] and row["due_state"]:
        cells.append((row["due_day"], f"due:{row['due_state']}", owner, person))
    return cells


TALLY_OF_ACTIVITIES = tallies.Tally(
    kind=KIND, days=DAYS, table=TALLY, columns=TALLY_COLUMNS, cell_columns=("day", "kind", "owner", "person"),
    empty={"owner": 0, "person": 0, "type": "", "due_state": ""}, current_sql=_current_sql, cells=_cells,
    cells_sql=(
        f"SELECT logged_day AS day, 'logged:' || type AS kind, owner, person FROM {TALLY} "
        "WHERE logged_day IS NOT NULL "
        f"UNION ALL SELECT done_day, 'done', owner, person FROM {TALLY} WHERE done_day IS NOT NULL "
        f"UNION ALL SELECT due_day, 'due:' || due_state, owner, person FROM {TALLY} "
        "WHERE due_day IS NOT NULL AND due_state <> ''"
    ),
)


def activity_ids(event: Event) -> list[int]:
    """The activities ``event`` says changed. Every activity write through the records
    pipeline sends the record kind's event (created, updated, deleted) beside its own
    (``ActivityLogged`` ...); only the kind's are read, so each write is reconciled once, and
    they alone also cover restores from the trash."""
    return tallies.named_ids(event, KIND)


async def on_event(event: Event) -> None:
    """Gather what the event names and reconcile the counts once after the transaction's
    events are all delivered (a batch of 500 imported messages sends thousands of events);
    an event recovered from the outbox alone is reconciled at once."""
    ids = activity_ids(event)
    contacts, linked = contact_aggregates.contacts_changed(event, ids)
    if not ids and not contacts:
        return
    cache = delivery_cache()
    if cache is None or not after_delivery(_PENDING, _reconcile_pending):
        await _reconcile_now(ids, contacts, linked)
        return
    pending = cache.setdefault(_PENDING, (set(), set(), set()))
    for gathered, new in zip(pending, (ids, contacts, linked), strict=True):
        gathered.update(new)


_PENDING = "crm.reports.pending"


async def _reconcile_pending() -> None:
    cache = delivery_cache() or {}
    await _reconcile_now(*cache.pop(_PENDING, (set(), set(), set())))


async def _reconcile_now(ids: Iterable[int], contacts: Iterable[int], linked: Iterable[int]) -> None:
    try:
        if ids:
            await reconcile(ids)
    finally:
        everyone = {*contacts, *(await contact_aggregates.linked_contacts(linked) if linked else ())}
        if everyone:
            await contact_aggregates.reconcile(everyone)


async def reconcile(ids: Iterable[int]) -> None:
    """Bring the counts of activities ``ids`` in line with what they are now."""
    await tallies.reconcile(TALLY_OF_ACTIVITIES, ids)


async def rebuild() -> int:
    """Recompute every count from the activities; the number of activities counted."""
    return await tallies.rebuild(TALLY_OF_ACTIVITIES)


async def readable_by(principal: Principal) -> bool:
    """Whether the counts can answer for ``principal`` (see :func:`tallies.readable_by`)."""
    return await tallies.readable_by(TALLY_OF_ACTIVITIES, principal)
