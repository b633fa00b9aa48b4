"""Task reminders: each open task or follow-up that falls due is announced once (``TaskDue``)
and its assignee is notified ("Task due: ..."); one still open a day after its reminder is
notified once more ("Task overdue: ..."). Both link to the task's first contact and reach
the assignee through the channels they chose (in the app, by email).
"""

from __future__ import annotations

import datetime as dt

from crm_hookspecs.events import TaskDue

from crm_platform import clock, runtime
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.notifications.kinds import TASK_DUE, TASK_OVERDUE
from crm_platform.notifications.service import MAX_SUBJECT, Message, deliver

BATCH = 1000
OVERDUE_AFTER = dt.timedelta(days=1)
_PREFIXES = {TASK_DUE: "Task due: ", TASK_OVERDUE: "Task overdue: "}


def _message(task: dict, contact_id: int | None, kind: str = TASK_DUE) -> Message:
    prefix = _PREFIXES[kind]
    subject = task["subject"] or "(no subject)"
    room = MAX_SUBJECT - len(prefix)
    if len(subject) > room:
        subject = subject[: room - 1] + "…"
    return Message(
        subject=prefix + subject, href=f"/contacts/{contact_id}" if contact_id else "/", kind=kind,
        record_type="activity", record_id=task["id"],
    )


async def first_contacts(activity_ids: list[int]) -> dict[int, int]:
    """The first contact each activity links to (participants are linked before the rest)."""
    if not activity_ids:
        return {}
    rows = await fetch(
        f"SELECT activity, record_id FROM crm_activity_link WHERE activity IN ({placeholders(activity_ids)}) "
        "AND record_type = {} ORDER BY id",
        *activity_ids,
        "contact",
    )
    first: dict[int, int] = {}
    for row in rows:
        first.setdefault(row["activity"], row["record_id"])
    return first


def task_types() -> list[str]:
    return [kind.key for kind in runtime.current().host.items("crm_activity_types") if kind.is_task]


async def _claim(mark: str, condition: str, args: list, kind: str) -> list[dict]:
    """Set ``mark`` on the open tasks meeting ``condition`` (a batch of them, oldest due first)
    and notify their assignees in the same transaction; returns the tasks claimed.

    The ``mark IS NULL`` guard makes the claim atomic: a second worker, or this job run again
    after a crash, finds nothing left; a task is never claimed without its notification."""
    kinds = task_types()
    if not kinds:
        return []
    now = clock.now()
    rows = await execute(
        f"UPDATE crm_activity SET {mark} = {{}} WHERE {mark} IS NULL AND id IN ("
        f"SELECT id FROM crm_activity WHERE type IN ({placeholders(kinds)}) AND done = {{}} AND {condition} "
        f"AND {mark} IS NULL ORDER BY due_at LIMIT {BATCH}) RETURNING id, assignee, subject",
        now, *kinds, False, *args,
    )
    rows.sort(key=lambda row: row["id"])
    contacts = await first_contacts([row["id"] for row in rows if row["assignee"] is not None])
    await deliver([
        (row["assignee"], _message(row, contacts.get(row["id"]), kind)) for row in rows if row["assignee"] is not None
    ])
    return rows


async def send_task_reminders() -> int:
    """Mark due tasks reminded, notify their assignees and announce them after commit;
    returns how many."""
    async with unit_of_work() as work:
        rows = await _claim("reminded_at", "due_at <= {}", [clock.now()], TASK_DUE)
        for row in rows:
            work.emit(TaskDue(actor_id=None, activity_id=row["id"], assignee_id=row["assignee"]))
    return len(rows)


async def send_overdue_reminders() -> int:
    """Notify the assignees of tasks still open a day after they were reminded as due;
    returns how many."""
    cutoff = clock.now() - OVERDUE_AFTER
    async with unit_of_work():
        rows = await _claim(
            "overdue_reminded_at", "due_at <= {} AND reminded_at IS NOT NULL AND reminded_at <= {}",
            [cutoff, cutoff], TASK_OVERDUE,
        )
    return len(rows)


async def remind_tasks() -> None:
    """The job ``core.task_reminders``, every minute: what fell due, then what is overdue."""
    await send_task_reminders()
    await send_overdue_reminders()
