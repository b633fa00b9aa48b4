"""The job that raises at-risk and breached flags. A flag is a unique row, inserted only if
missing, and its event is emitted in the same unit of work: a job run twice, or a worker
restarted half-way, never announces a flag twice."""

from __future__ import annotations

from crm_platform.toolkit import execute, fetch, now, unit_of_work

from crm_desk import presence
from crm_desk.events import SlaAtRisk, SlaBreached

JOB = "desk.sla_watch"
# Tickets due the soonest first; a backlog larger than this is taken up by the next run.
BATCH = 500
CHECKS = (
    ("first_response", "breached", "first_response_due", SlaBreached),
    ("first_response", "at_risk", "first_response_at_risk", SlaAtRisk),
    ("resolution", "breached", "resolution_due", SlaBreached),
    ("resolution", "at_risk", "resolution_at_risk", SlaAtRisk),
)


async def raise_flags() -> int:
    """Raise every flag now due; returns how many were raised."""
    moment = now()
    raised = 0
    for target, flag, column, event in CHECKS:
        met = "AND t.first_responded_at IS NULL " if target == "first_response" else ""
        rows = await fetch(
            f"SELECT t.id, t.owner FROM desk_ticket t WHERE t.{column} <= {{}} {met}"
            "AND t.status NOT IN ('solved', 'closed') AND NOT EXISTS (SELECT 1 FROM desk_sla_flag f "
            f"WHERE f.ticket = t.id AND f.target = {{}} AND f.flag = {{}}) ORDER BY t.{column}, t.id LIMIT {BATCH}",
            moment, target, flag,
        )
        for row in rows:
            async with unit_of_work() as work:
                inserted = await execute(
                    "INSERT INTO desk_sla_flag (ticket, target, flag, raised_at) VALUES ({}, {}, {}, {}) "
                    "ON CONFLICT (ticket, target, flag) DO NOTHING RETURNING id",
                    row["id"], target, flag, moment,
                )
                if inserted:
                    work.emit(event(actor_id=None, ticket_id=row["id"], target=target))
                    raised += 1
    return raised


async def mark_at_risk() -> None:
    """Keep each ticket's ``at_risk`` in step with the clock, for the at-risk queue."""
    moment = now()
    await execute(
        "UPDATE desk_ticket SET at_risk = {} WHERE at_risk = {} AND next_at_risk <= {} AND next_due > {}",
        True, False, moment, moment,
    )
    await execute(
        "UPDATE desk_ticket SET at_risk = {} WHERE at_risk = {} AND (next_due <= {} OR next_at_risk IS NULL "
        "OR next_at_risk > {})",
        False, True, moment, moment,
    )


async def run() -> None:
    await mark_at_risk()
    await raise_flags()
    await presence.forget_old()
