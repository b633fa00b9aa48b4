"""Task reminders: each open task or follow-up that falls due is announced once (``TaskDue``)
and its assignee is notified in the app ("Task due: ..."), linking to its first contact."""

from __future__ import annotations

from crm_hookspecs.events import TaskDue

from crm_platform import clock, runtime
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.notifications.service import MAX_SUBJECT, Message, deliver

BATCH = 1000
TASK_DUE = "task_due"
_PREFIX = "Task due: "


def _message(task: dict, contact_id: int | None) -> Message:
    subject = task["subject"] or "(no subject)"
    room = MAX_SUBJECT - len(_PREFIX)
    if len(subject) > room:
        subject = subject[: room - 1] + "…"
    return Message(
        subject=_PREFIX + subject, href=f"/contacts/{contact_id}" if contact_id else "/", kind=TASK_DUE,
        record_type="activity", record_id=task["id"],
    )


async def _first_contacts(activity_ids: list[int]) -> dict[int, int]:
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


async def send_task_reminders() -> int:
    """Mark due tasks reminded, notify their assignees and announce them after commit;
    returns how many.

    The ``reminded_at IS NULL`` guard makes the claim atomic: a second worker, or this job
    run again after a crash, finds nothing left to announce. The notifications are written in
    the claim's transaction, so a task is never claimed without its notification.
    """
    kinds = task_types()
    if not kinds:
        return 0
    now = clock.now()
    async with unit_of_work() as work:
        rows = await execute(
            "UPDATE crm_activity SET reminded_at = {} WHERE reminded_at IS NULL AND id IN ("
            f"SELECT id FROM crm_activity WHERE type IN ({placeholders(kinds)}) AND done = {{}} AND due_at <= {{}} "
            f"AND reminded_at IS NULL ORDER BY due_at LIMIT {BATCH}) RETURNING id, assignee, subject",
            now,
            *kinds,
            False,
            now,
        )
        rows.sort(key=lambda row: row["id"])
        contacts = await _first_contacts([row["id"] for row in rows if row["assignee"] is not None])
        await deliver([
            (row["assignee"], _message(row, contacts.get(row["id"]))) for row in rows if row["assignee"] is not None
        ])
        for row in rows:
            work.emit(TaskDue(actor_id=None, activity_id=row["id"], assignee_id=row["assignee"]))
    return len(rows)
