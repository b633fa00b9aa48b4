"""Daily contact counts for the reports, kept up to date from the contacts' and activities' events.

Each contact adds one to two cells of ``crm_report_contact_day`` (day, kind, owner, stage,
source): ``created`` on the day it was created, with its stage and source now, which the
lifecycle funnel and sources sum; ``touched`` on the day it was last contacted (else
created), which follow-up sums for "contacts untouched for N days". As for the activity
counts (:mod:`crm_platform.reports.aggregates`), what each contact added is kept in
``crm_report_contact_tally`` and :func:`reconcile` takes that back and adds what the contact
says now: idempotent, no "before" values needed. A contact's last contact moves when an
activity linked to it is written, so an activity's events reconcile its contacts too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from crm_hookspecs import Event, Principal
from crm_hookspecs.events import RecordDeleted

from crm_platform.db.raw import fetch, placeholders
from crm_platform.reports import tallies
from crm_platform.reports.periods import day_sql

DAYS = "crm_report_contact_day"
TALLY = "crm_report_contact_tally"
KIND = "contact"
TALLY_COLUMNS = ("contact", "owner", "created_day", "stage", "source", "touched_at", "touched_day")
Cell = tuple[str, str, int, str, str]


def _current_sql(where: str) -> str:
    """What each contact counts towards, computed by the database the same way for
    :func:`rebuild` and :func:`reconcile`."""
    touched = "coalesce(last_contacted_at, created_at)"
    return (
        "SELECT id AS contact, coalesce(owner, 0) AS owner, "
        f"{day_sql('created_at')} AS created_day, coalesce(lifecycle_stage, '') AS stage, "
        f"coalesce(source, '') AS source, {touched} AS touched_at, {day_sql(touched)} AS touched_day "
        f"FROM crm_contact {where}"
    )


def _cells(row: dict[str, Any]) -> list[Cell]:
    """The (day, kind, owner, stage, source) cells a tally row adds one to."""
    owner = int(row["owner"] or 0)
    cells = []
    if row["created_day"]:
        cells.append((row["created_day"], "created", owner, row["stage"] or "", row["source"] or ""))
    if row["touched_day"]:
        cells.append((row["touched_day"], "touched", owner, "", ""))
    return cells


TALLY_OF_CONTACTS = tallies.Tally(
    kind=KIND, days=DAYS, table=TALLY, columns=TALLY_COLUMNS, cell_columns=("day", "kind", "owner", "stage", "source"),
    empty={"owner": 0, "stage": "", "source": ""}, current_sql=_current_sql, cells=_cells,
    cells_sql=(
        f"SELECT created_day AS day, 'created' AS kind, owner, stage, source FROM {TALLY} "
        "WHERE created_day IS NOT NULL "
        f"UNION ALL SELECT touched_day, 'touched', owner, '', '' FROM {TALLY} WHERE touched_day IS NOT NULL"
    ),
)


def contacts_changed(event: Event, activity_ids: list[int]) -> tuple[list[int], list[int]]:
    """What ``event`` may have changed of the contacts: the contacts it names, and the
    activities whose linked contacts (their last contact) :func:`linked_contacts` finds."""
    named = tallies.named_ids(event, KIND)
    if named:
        return named, []
    if activity_ids and not isinstance(event, RecordDeleted):  # a deletion leaves the last contact as it was
        return [], activity_ids
    return [], []


async def linked_contacts(activity_ids: Iterable[int]) -> list[int]:
    """The contacts linked to the activities ``activity_ids``, in one query per 500."""
    unique, found = sorted(set(activity_ids)), set()
    for start in range(0, len(unique), tallies.CHUNK):
        chunk = unique[start:start + tallies.CHUNK]
        rows = await fetch(
            "SELECT DISTINCT record_id FROM crm_activity_link WHERE record_type = 'contact' "
            f"AND activity IN ({placeholders(chunk)})", *chunk,
        )
        found.update(int(row["record_id"]) for row in rows)
    return sorted(found)


async def contact_ids(event: Event, activity_ids: list[int]) -> list[int]:
    """The contacts ``event`` may have changed: the contact it names, or those linked to the
    activities it names (their last contact)."""
    named, linked = contacts_changed(event, activity_ids)
    return named or await linked_contacts(linked)


async def reconcile(ids: Iterable[int]) -> None:
    """Bring the counts of contacts ``ids`` in line with what they are now."""
    await tallies.reconcile(TALLY_OF_CONTACTS, ids)


async def rebuild() -> int:
    """Recompute every count from the contacts; the number of contacts counted."""
    return await tallies.rebuild(TALLY_OF_CONTACTS)


async def readable_by(principal: Principal) -> bool:
    """Whether the counts can answer for ``principal`` (see :func:`tallies.readable_by`)."""
    return await tallies.readable_by(TALLY_OF_CONTACTS, principal)


def untouched_since(moment: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    """How "last touched before ``moment``" splits: whole days before ``moment``'s day from
    the day counts, and the part of its day before it, ``[midnight, moment)``, from the tally."""
    day = moment.astimezone(dt.UTC).date()
    return day.isoformat(), dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC), moment
