"""Reconciliation: for each mailbox, what its syncs read against what the imports did with it.

Every message a sync reads is one row in its import run's ledger: kept, skipped with a
reason, or failed with one. The report adds them up per mailbox and says plainly when they
do not add up (``unaccounted``), when a folder holds messages no sync has read (``gap``:
over a sync's limit, or below the last UID read), and when the last sync failed, so "synced,
imported nothing" is always explained or shown as the problem it is.
"""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal

from crm_conversations import mailboxes
from crm_conversations.mailbox_sync import last_syncs
from crm_platform.toolkit import fetch


async def report(principal: Principal) -> list[dict[str, Any]]:
    """One entry per mailbox the user may see, in a constant number of queries."""
    boxes = await mailboxes.visible(principal)
    if not boxes:
        return []
    ids = [box["id"] for box in boxes]
    marks = ", ".join("{}" for _ in ids)
    totals = {row["mailbox"]: row for row in await fetch(
        "SELECT mailbox, count(*) AS syncs, sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed_syncs, "
        "sum(seen) AS seen, sum(imported) AS imported, sum(skipped) AS skipped, sum(failed) AS failed "
        f"FROM conversations_mailbox_sync WHERE mailbox IN ({marks}) GROUP BY mailbox", *ids)}
    reasons: dict[int, dict[str, int]] = {}
    for row in await fetch(
            f"SELECT mailbox, reasons FROM conversations_mailbox_sync WHERE mailbox IN ({marks}) "
            "AND (skipped > 0 OR failed > 0)", *ids):
        found = reasons.setdefault(row["mailbox"], {})
        values = row["reasons"]
        if isinstance(values, str):
            values = json.loads(values or "{}")
        for label, count in (values or {}).items():
            found[label] = found.get(label, 0) + int(count)
    folders: dict[int, list[dict[str, Any]]] = {}
    for row in await fetch(
            "SELECT mailbox, name, uidvalidity, last_uid, server_count, seen FROM conversations_mailbox_folder "
            f"WHERE mailbox IN ({marks}) ORDER BY name", *ids):
        row["gap"] = max(int(row["server_count"]) - int(row["seen"]), 0)
        folders.setdefault(row["mailbox"], []).append(row)
    latest = await last_syncs(ids)
    entries = []
    for box in boxes:
        total = totals.get(box["id"], {})
        seen, imported = int(total.get("seen") or 0), int(total.get("imported") or 0)
        skipped, failed = int(total.get("skipped") or 0), int(total.get("failed") or 0)
        entries.append({
            "mailbox": box["id"], "name": box["name"], "syncs": int(total.get("syncs") or 0),
            "failed_syncs": int(total.get("failed_syncs") or 0), "seen": seen, "imported": imported,
            "skipped": skipped, "failed": failed, "unaccounted": seen - imported - skipped - failed,
            "reasons": dict(sorted(reasons.get(box["id"], {}).items(), key=lambda item: -item[1])),
            "folders": folders.get(box["id"], []), "last_sync": latest.get(box["id"]),
        })
    return entries
