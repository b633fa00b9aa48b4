"""The nightly job ``automation.rescore``: scores whose points are still fading are brought up
to date, in batches of contacts (in contact order, a keyset on the score's contact), each batch
in two statements however many contacts it holds (one read of the scores, one write of the
new ones; the outbox adds its own few for the batch's events). A score that moved is ``LeadScoreChanged``, delivered after the batch commits, so a
threshold workflow fires as on a contact's change.

Only time moves these points: which rules a contact meets changes with the contact, and each
change scores it again (``scoring.rescore``), so the night reads no contact. A score whose
fading points have all reached zero is no longer visited, until a change makes a rule fade
anew."""

from __future__ import annotations

import json
from typing import Any

from crm_automation import scoring
from crm_automation.events import LeadScoreChanged
from crm_platform.toolkit import execute, fetch, now, unit_of_work

SCHEDULE = "30 2 * * *"
BATCH = 2000


async def rescore_batch(after: int, rules: list[dict[str, Any]], batch: int = BATCH) -> tuple[int, int] | None:
    """Bring the fading scores of the next ``batch`` contacts after contact ``after`` up to
    date; returns the last contact looked at and how many, or ``None`` when there are no more."""
    moment = now()
    rows = await fetch(
        "SELECT contact, score, why FROM automation_score WHERE decaying = {} AND contact > {} "
        f"ORDER BY contact LIMIT {int(batch)}", True, after,
    )
    if not rows:
        return None
    values: list[Any] = []
    moved: dict[int, LeadScoreChanged] = {}
    for row in rows:
        why = scoring.refaded(row["why"], rules, moment)
        score = sum(item["points"] for item in why)
        values += [row["contact"], score, json.dumps(why), scoring.is_decaying(why), moment]
        if score != row["score"]:
            moved[row["contact"]] = LeadScoreChanged(actor_id=None, contact_id=row["contact"], score=score,
                                                     previous=row["score"])
    async with unit_of_work() as work:
        # A contact scored again since the read (it changed) keeps that newer score.
        written = await execute(
            "INSERT INTO automation_score (contact, score, why, decaying, updated_at) VALUES "
            + ", ".join("({}, {}, {}, {}, {})" for _ in rows)
            + " ON CONFLICT (contact) DO UPDATE SET score = excluded.score, why = excluded.why, "
            "decaying = excluded.decaying, updated_at = excluded.updated_at "
            "WHERE automation_score.updated_at < {} RETURNING contact", *values, moment,
        )
        for row in written or []:
            if row["contact"] in moved:
                work.emit(moved[row["contact"]])
    return rows[-1]["contact"], len(rows)


async def rescore_decaying() -> int:
    """The job: every fading score, batch by batch; returns how many scores were looked at."""
    rules = await scoring.rules()
    after, seen = 0, 0
    while (done := await rescore_batch(after, rules)) is not None:
        after, seen = done[0], seen + done[1]
    return seen
