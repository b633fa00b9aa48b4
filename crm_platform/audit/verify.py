"""Checking the audit chain: every entry's hash, every link, no gap that no erasure explains."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from crm_platform.audit.chain import GENESIS, VERIFY_BATCH, Head, entry_hash, moment
from crm_platform.db.raw import fetch

# An erasure removes the person's entries; its tombstone keeps each one's place and hash (never
# its content) under this key, so the chain still closes over the hole.
REMOVED_KEY = "removed_audit"

_COLUMNS = "id, seq, prev_hash, entry_hash, at, actor_id, record_type, record_id, action, changes"


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry {self.entry_id}" if self.entry_id is not None else f"entry #{self.seq}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Verdict:
    checked: int
    head: Head
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


async def _removed_by_erasures() -> dict[int, str]:
    removed: dict[int, str] = {}
    for row in await fetch("SELECT changes FROM crm_audit_entry WHERE action = 'erase'"):
        changes = row["changes"]
        changes = json.loads(changes) if isinstance(changes, str) else changes or {}
        for seq, removed_hash in changes.get(REMOVED_KEY) or []:
            removed[int(seq)] = str(removed_hash)
    return removed


def _changes_text(value: Any) -> str:
    # The column is text on SQLite and ``json`` on PostgreSQL; both give back the text stored.
    return value if isinstance(value, str) else json.dumps(value)


async def verify() -> Verdict:
    """Walk the chain from its first entry; the first entry that fails, if any, is named."""
    unchained = await fetch("SELECT id FROM crm_audit_entry WHERE seq IS NULL OR entry_hash IS NULL "
                            "ORDER BY id LIMIT 1")
    removed = await _removed_by_erasures()
    previous, checked, previous_id = Head(0, GENESIS), 0, None
    while True:
        rows = await fetch(f"SELECT {_COLUMNS} FROM crm_audit_entry WHERE seq > {{}} ORDER BY seq LIMIT {{}}",
                           previous.seq, VERIFY_BATCH)
        if not rows:
            break
        for row in rows:
            while previous.seq + 1 < row["seq"]:
                missing = previous.seq + 1
                if missing not in removed:
                    after = f" after entry {previous_id}" if previous_id is not None else ""
                    return Verdict(checked, previous, Problem(
                        None, missing, f"missing: deleted{after}, before entry {row['id']}"))
                previous = Head(missing, removed[missing])
            if row["prev_hash"] != previous.entry_hash:
                return Verdict(checked, previous, Problem(
                    row["id"], row["seq"], "does not follow the entry before it: that one was edited or replaced"))
            recomputed = entry_hash(row["seq"], row["prev_hash"], moment(row["at"]), row["actor_id"],
                                    row["record_type"], row["record_id"], row["action"],
                                    _changes_text(row["changes"]))
            if recomputed != row["entry_hash"]:
                return Verdict(checked, previous, Problem(row["id"], row["seq"], "edited: its content no longer matches its hash"))
            previous, previous_id, checked = Head(row["seq"], row["entry_hash"]), row["id"], checked + 1
    if unchained:
        return Verdict(checked, previous, Problem(unchained[0]["id"], None, "not in the chain: written around the audit log"))
    return Verdict(checked, previous)
