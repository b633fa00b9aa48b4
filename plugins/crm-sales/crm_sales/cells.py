"""Forecast cells: every deal counted once in the cell of its forecast group.

Deal writes move a deal's contribution from its old cell to its new one in the same
transaction; :func:`rebuild` recounts every cell from the deals (after a bulk import, or to
repair). The forecast then reads cells, not deals.
"""

from __future__ import annotations

from typing import Any

from crm_platform.toolkit import execute
from crm_sales.clean import money

KEY_COLUMNS = ("pipeline", "currency", "status", "owner", "close_month", "lost_reason", "furthest_position")
MEASURE_COLUMNS = ("deals", "amount", "weighted", "cycle_days")

_UPSERT = (
    f"INSERT INTO sales_forecast_cell ({', '.join(KEY_COLUMNS + MEASURE_COLUMNS)}) "
    f"VALUES ({', '.join('{}' for _ in KEY_COLUMNS + MEASURE_COLUMNS)}) "
    f"ON CONFLICT ({', '.join(KEY_COLUMNS)}) DO UPDATE SET "
    + ", ".join(f"{name} = sales_forecast_cell.{name} + excluded.{name}" for name in MEASURE_COLUMNS)
)


def _cell(row: dict[str, Any]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    status = row["status"]
    key = (
        row["pipeline"], row["currency"], status, row.get("owner") or 0,
        (row.get("close_month") or "") if status == "open" else "",
        (row.get("lost_reason") or "") if status == "lost" else "",
        row["furthest_position"],
    )
    amount = money(row["amount"])
    return key, (1, amount, amount * int(row["probability"]), int(row.get("cycle_days") or 0))


async def apply(before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    """Move one deal's contribution from the cell of ``before`` to that of ``after``
    (either may be ``None``: a new or a deleted deal). Call inside the writing transaction."""
    old = _cell(before) if before is not None else None
    new = _cell(after) if after is not None else None
    if old == new:
        return
    if old is not None:
        key, measures = old
        await execute(_UPSERT, *key, *(-value for value in measures))
    if new is not None:
        key, measures = new
        await execute(_UPSERT, *key, *measures)


async def rebuild() -> None:
    """Recount every cell from the deals; call inside a transaction."""
    await execute("DELETE FROM sales_forecast_cell")
    await execute(
        f"INSERT INTO sales_forecast_cell ({', '.join(KEY_COLUMNS + MEASURE_COLUMNS)}) "
        "SELECT pipeline, currency, status, coalesce(owner, 0), "
        "CASE WHEN status = 'open' THEN coalesce(close_month, '') ELSE '' END, "
        "CASE WHEN status = 'lost' THEN coalesce(lost_reason, '') ELSE '' END, "
        "furthest_position, count(*), sum(amount), sum(amount * probability), coalesce(sum(cycle_days), 0) "
        "FROM sales_deal GROUP BY pipeline, currency, status, coalesce(owner, 0), "
        "CASE WHEN status = 'open' THEN coalesce(close_month, '') ELSE '' END, "
        "CASE WHEN status = 'lost' THEN coalesce(lost_reason, '') ELSE '' END, furthest_position"
    )


