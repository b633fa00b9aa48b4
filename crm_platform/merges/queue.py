"""The review queue of the duplicate scan: the pending pairs a person may see (both records
visible to them), a page at a time, highest score first (keyset on score and id); dismissing
a pair, which keeps it dismissed through later scans; a merge marks its pair merged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import Principal

from crm_platform import clock
from crm_platform.db.raw import execute, fetch
from crm_platform.errors import Invalid, NotFound
from crm_platform.records import kinds, pipeline

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueuedPair:
    id: int
    kind: str
    first_id: int
    first_title: str
    second_id: int
    second_title: str
    reasons: list[str]
    score: int


def encode_cursor(pair: QueuedPair) -> str:
    return f"{pair.score}.{pair.id}"


def _decode_cursor(cursor: str) -> tuple[int, int]:
    score, _, pair_id = cursor.partition(".")
    # Both are integer columns: a longer number is no cursor of this list either.
    if not (score.isdecimal() and pair_id.isdecimal() and len(score) <= 9 and len(pair_id) <= 9):
        raise Invalid({"cursor": "not a cursor of this list; start from the first page"})
    return int(score), int(pair_id)


async def page(principal: Principal, kind: str, cursor: str = "", limit: int = PAGE_SIZE
               ) -> tuple[list[QueuedPair], str | None]:
    """Pending pairs of ``kind`` whose two records ``principal`` may see, after ``cursor``;
    the page and the next page's cursor (None on the last page)."""
    if kind not in ("contact", "company"):
        raise Invalid({"kind": "duplicates are found among contacts or companies"})
    record_kind = kinds.get(kind)
    table, title = kinds.table_name(record_kind), record_kind.title_column
    first_where, first_args = await pipeline.visibility(principal, kind, alias="a")
    second_where, second_args = await pipeline.visibility(principal, kind, alias="b")
    conditions = ["p.kind = {}", "p.status = 'pending'", *first_where, *second_where]
    args: list[Any] = [kind, *first_args, *second_args]
    if cursor:
        score, pair_id = _decode_cursor(cursor)
        conditions.append("(p.score < {} OR (p.score = {} AND p.id > {}))")
        args += [score, score, pair_id]
    rows = await fetch(
        f"SELECT p.id, p.first_id, p.second_id, p.reasons, p.score, a.{title} AS first_title, "
        f"b.{title} AS second_title FROM crm_duplicate_pair p JOIN {table} a ON a.id = p.first_id "
        f"JOIN {table} b ON b.id = p.second_id WHERE {' AND '.join(conditions)} "
        f"ORDER BY p.score DESC, p.id LIMIT {limit + 1}", *args,
    )
    pairs = [
        QueuedPair(row["id"], kind, row["first_id"], row["first_title"], row["second_id"], row["second_title"],
                   json.loads(row["reasons"]) if isinstance(row["reasons"], str) else list(row["reasons"] or []),
                   row["score"])
        for row in rows[:limit]
    ]
    return pairs, encode_cursor(pairs[-1]) if len(rows) > limit else None


async def _visible_pair(principal: Principal, pair_id: int) -> dict[str, Any]:
    rows = await fetch("SELECT id, kind, first_id, second_id, status FROM crm_duplicate_pair WHERE id = {}", pair_id)
    if not rows:
        raise NotFound("duplicate pair", pair_id)
    pair = rows[0]
    seen = await pipeline.read_many(principal, pair["kind"], [pair["first_id"], pair["second_id"]])
    if len(seen) < 2:  # a pair says nothing of a record its reader may not see
        raise NotFound("duplicate pair", pair_id)
    return pair


async def dismiss(principal: Principal, pair_id: int) -> dict[str, Any]:
    """Mark the pair not a duplicate: later scans leave it dismissed."""
    pair = await _visible_pair(principal, pair_id)
    if pair["status"] == "pending":
        await execute(
            "UPDATE crm_duplicate_pair SET status = 'dismissed', decided_by = {}, decided_at = {} WHERE id = {}",
            principal.id, clock.now(), pair_id,
        )
    return {**pair, "status": "dismissed" if pair["status"] == "pending" else pair["status"]}


async def record_merge(kind: str, survivor_id: int, merged_id: int, merge_id: int, actor_id: int) -> None:
    """A merge of the two records settles their pair, whichever way round it was found."""
    first, second = sorted((survivor_id, merged_id))
    await execute(
        "UPDATE crm_duplicate_pair SET status = 'merged', merge_id = {}, decided_by = {}, decided_at = {} "
        "WHERE pair_key = {}", merge_id, actor_id, clock.now(), f"{kind}:{first}:{second}",
    )


async def last_scan(kind: str) -> dict[str, Any] | None:
    rows = await fetch("SELECT id, status, records, pairs, started_at, finished_at, error FROM crm_duplicate_scan "
                       "WHERE kind = {} ORDER BY id DESC LIMIT 1", kind)
    return rows[0] if rows else None
