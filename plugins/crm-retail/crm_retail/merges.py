"""A merge of two contacts moves the merged one's orders and points to the survivor (and its
undo moves them back); the RFM scores follow at the next run."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import RecordMerge
from crm_platform.toolkit import execute, fetch, placeholders


async def move(merge: RecordMerge) -> dict[str, Any] | list[str] | None:
    if merge.kind != "contact":
        return None
    if merge.undo is None:
        orders = [row["id"] for row in await fetch("SELECT id FROM retail_order WHERE contact = {}", merge.merged_id)]
        points = [row["id"] for row in await fetch("SELECT id FROM retail_points WHERE contact = {}", merge.merged_id)]
        await execute("UPDATE retail_order SET contact = {} WHERE contact = {}", merge.survivor_id, merge.merged_id)
        await execute("UPDATE retail_points SET contact = {} WHERE contact = {}", merge.survivor_id, merge.merged_id)
        await execute("DELETE FROM retail_rfm WHERE contact = {}", merge.merged_id)
        return {"orders": orders, "points": points}
    for table, ids in (("retail_order", merge.undo.get("orders", [])), ("retail_points", merge.undo.get("points", []))):
        if ids:
            await execute(f"UPDATE {table} SET contact = {{}} WHERE contact = {{}} AND id IN ({placeholders(ids)})",
                          merge.merged_id, merge.survivor_id, *ids)
    return None
