"""RFM segments: each customer's recency, frequency and monetary quintile (1 to 5) over the
orders that count, and the segment the scores place them in. Computed by the nightly job in
two set-based statements, whatever the number of orders."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Permission, Principal
from crm_platform.toolkit import (
    Invalid,
    check_limit,
    decode_cursor,
    encode_cursor,
    execute,
    fetch,
    get_records,
    now,
    setting,
    unit_of_work,
)

from crm_retail.lines import money

SLUG = "retail"
RUN = Permission(f"{SLUG}.rfm", "Run the RFM scoring now", roles=("admin", "manager"))
# In the order the scores are tested: the first that fits names the segment.
SEGMENTS: dict[str, tuple[str, str]] = {
    "champions": ("Champions", "bought recently, buy often and spend the most"),
    "cannot_lose": ("Cannot lose them", "spent much and often, but not for a long time"),
    "at_risk": ("At risk", "bought often, but not lately"),
    "loyal": ("Loyal", "buy regularly and recently"),
    "new": ("New customers", "bought recently, for the first time"),
    "promising": ("Promising", "bought recently, not often yet"),
    "lost": ("Lost", "one order, long ago"),
    "hibernating": ("Hibernating", "few orders, not lately"),
}
SEGMENT_SQL = """CASE
    WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'champions'
    WHEN r <= 2 AND f >= 4 AND m >= 4 THEN 'cannot_lose'
    WHEN r <= 2 AND f >= 3 THEN 'at_risk'
    WHEN r >= 3 AND f >= 3 THEN 'loyal'
    WHEN r >= 4 AND f <= 1 THEN 'new'
    WHEN r >= 3 THEN 'promising'
    WHEN r = 1 AND f <= 1 THEN 'lost'
    ELSE 'hibernating' END"""
# A quintile from the number of customers at or below a value (peers count alike, so equal
# values share a score) and the number of customers: 1 + (5 * at_or_below - 1) / all.
QUINTILE = "1 + (5 * COUNT(*) OVER (ORDER BY {column}) - 1) / COUNT(*) OVER ()"
SCORE_SQL = f"""INSERT INTO retail_rfm (contact, last_order_at, frequency, monetary, r, f, m, segment)
SELECT contact, last_order_at, frequency, monetary, r, f, m, {SEGMENT_SQL} FROM (
    SELECT contact, last_order_at, frequency, monetary,
        {QUINTILE.format(column="last_order_at")} AS r,
        {QUINTILE.format(column="frequency")} AS f,
        {QUINTILE.format(column="monetary")} AS m
    FROM (
        SELECT contact, MAX(ordered_at) AS last_order_at, COUNT(*) AS frequency,
            SUM(CASE WHEN currency = {{}} THEN total ELSE 0 END) AS monetary
        FROM retail_order WHERE contact IS NOT NULL AND status IN ('paid', 'fulfilled')
        GROUP BY contact
    ) totals
) scored"""
SCAN_BATCHES = 5


async def compute() -> int:
    """Score every customer again, in one transaction: readers see the old scores or the new,
    never half. Idempotent: a run killed half-way leaves the old scores and runs again."""
    currency = str(await setting(SLUG, "currency")).upper()
    async with unit_of_work():
        await execute("DELETE FROM retail_rfm")
        await execute(SCORE_SQL, currency)
        await execute("UPDATE retail_rfm SET computed_at = {}", now())
    rows = await fetch("SELECT COUNT(*) AS n FROM retail_rfm")
    return int(rows[0]["n"])


async def nightly() -> None:
    await compute()


async def segment_counts(principal: Principal) -> list[dict[str, Any]]:
    """The segments, with how many contacts each held at the last run for those who see every
    contact (a count over contacts a member may not see would tell them about those)."""
    counts: dict[str, int] = {}
    if principal.sees_everything:
        rows = await fetch("SELECT segment, COUNT(*) AS n FROM retail_rfm GROUP BY segment")
        counts = {row["segment"]: int(row["n"]) for row in rows}
    return [{"key": key, "label": label, "meaning": meaning,
             "contacts": counts.get(key, 0) if principal.sees_everything else None}
            for key, (label, meaning) in SEGMENTS.items()]


async def members(
    principal: Principal, segment: str, *, r: int | None = None, f: int | None = None, m: int | None = None,
    limit: int = 50, cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the contacts ``principal`` may see in ``segment`` (``all``: every scored
    contact), by contact id, with their scores. Hidden contacts are skipped by reading a few
    batches ahead, so a page may hold fewer than ``limit`` and still have a next page."""
    limit = check_limit(limit)
    if segment != "all" and segment not in SEGMENTS:
        raise Invalid({"segment": f"must be all or one of {', '.join(SEGMENTS)}, not {segment!r}"})
    conditions, args = [], []
    if segment != "all":
        conditions.append("segment = {}")
        args.append(segment)
    for name, score in (("r", r), ("f", f), ("m", m)):
        if score is not None:
            if not 1 <= score <= 5:
                raise Invalid({name: "must be a score from 1 to 5"})
            conditions.append(f"{name} = {{}}")
            args.append(score)
    after = decode_cursor(cursor)[1] if cursor else 0
    found: list[dict[str, Any]] = []
    for _ in range(SCAN_BATCHES):
        where = " AND ".join([*conditions, "contact > {}"])
        batch = await fetch(
            "SELECT contact, last_order_at, frequency, monetary, r, f, m, segment, computed_at FROM retail_rfm "
            f"WHERE {where} ORDER BY contact LIMIT {limit}", *args, after,
        )
        visible = await get_records(principal, "contact", [row["contact"] for row in batch])
        for row in batch:
            after = row["contact"]
            if row["contact"] in visible:
                found.append(_member(row, visible[row["contact"]]))
            if len(found) == limit:
                return found, encode_cursor(after, after)
        if len(batch) < limit:
            return found, None
    return found, encode_cursor(after, after)


def _member(row: dict[str, Any], contact: dict[str, Any]) -> dict[str, Any]:
    return {"contact_id": row["contact"], "display_name": contact["display_name"], "segment": row["segment"],
            "r": row["r"], "f": row["f"], "m": row["m"], "last_order_at": row["last_order_at"],
            "frequency": row["frequency"], "monetary": money(row["monetary"]), "computed_at": row["computed_at"]}


async def of_contact(contact_id: int) -> dict[str, Any] | None:
    rows = await fetch("SELECT segment, r, f, m, computed_at FROM retail_rfm WHERE contact = {}", contact_id)
    if not rows:
        return None
    row = rows[0]
    return {"segment": row["segment"], "label": SEGMENTS.get(row["segment"], (row["segment"],))[0],
            "r": row["r"], "f": row["f"], "m": row["m"], "computed_at": row["computed_at"]}
