"""Task reminders: each open task or follow-up that falls due is announced once (``TaskDue``)."""

from __future__ import annotations

from crm_hookspecs.events import TaskDue

from crm_platform import clock, runtime
from crm_platform.db.raw import execute, placeholders
from crm_platform.db.unit import unit_of_work

BATCH = 1000


def task_types() -> list[str]:
    return [kind.key for kind in runtime.current().host.items("crm_activity_types") if kind.is_task]


async def send_task_reminders() -> int:
    """Mark due tasks reminded and announce them after commit; returns how many.

    The ``reminded_at IS NULL`` guard makes the claim atomic: a second worker, or this job
    run again after a crash, finds nothing left to announce.
    """
    kinds = task_types()
    if not kinds:
        return 0
    now = clock.now()
    async with unit_of_work() as work:
        rows = await execute(
            "UPDATE crm_activity SET reminded_at = {} WHERE reminded_at IS NULL AND id IN ("
            f"SELECT id FROM crm_activity WHERE type IN ({placeholders(kinds)}) AND done = {{}} AND due_at <= {{}} "
            f"AND reminded_at IS NULL ORDER BY due_at LIMIT {BATCH}) RETURNING id, assignee",
            now,
            *kinds,
            False,
            now,
        )
        for row in sorted(rows, key=lambda row: row["id"]):
            work.emit(TaskDue(actor_id=None, activity_id=row["id"], assignee_id=row["assignee"]))
    return len(rows)
