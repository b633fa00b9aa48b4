"""The duplicate scan: every contact (or company) of the database is read once, in keyset
batches, and records that share a normalised key are paired; the pairs go to the review
queue (``queue``) with their reasons and a score.

Blocking keeps it linear: records are only compared within a key (an email with Gmail's dots
and any ``+tag`` taken out, an E.164 phone, a company domain or name), and similar names only
within a block of the same family name and first initial, scored by rapidfuzz. A key held by
more than ``GROUP_LIMIT`` records (a switchboard number, a common surname) pairs only its
first ones. The scan is not limited by who asks: the queue shows each person only the pairs
of records they may see.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from crm_platform import clock
from crm_platform.db.raw import decode_json_columns, execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid

JOB = "core.duplicate_scan"
KINDS = ("contact", "company")
READ_BATCH = 5000
WRITE_BATCH = 500
GROUP_LIMIT = 10
SIMILAR_NAME = 85
# What each reason adds to a pair's score (at most 100): the more reasons, the likelier.
WEIGHTS = {"same email": 60, "same phone": 40, "similar name": 25, "same domain": 60, "same name": 40}
GMAIL = ("gmail.com", "googlemail.com")


def email_key(address: str) -> str:
    """The address as the mailbox it reaches: lower case, without a ``+tag``, and for Gmail
    without the dots of the local part (``Ada.L+crm@GMail.com`` is ``adal@gmail.com``)."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at or not local:
        return address.strip().lower()
    local = local.split("+", 1)[0] or local
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


@dataclass
class Keys:
    """Who holds each key of one reason, as the scan reads the records."""

    reasons: dict[str, defaultdict[str, list[int]]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    def add(self, reason: str, key: str, record_id: int) -> None:
        if not key:
            return
        holders = self.reasons.setdefault(reason, defaultdict(list))[key]
        if len(holders) < GROUP_LIMIT and record_id not in holders:
            holders.append(record_id)


def _read_contact(keys: Keys, row: dict[str, Any]) -> None:
    record_id = row["id"]
    for email in row["emails"] or []:
        keys.add("same email", email_key(str(email.get("address") or "")), record_id)
    for phone in row["phones"] or []:
        keys.add("same phone", str(phone.get("number") or ""), record_id)
    family, given = (row["family_name"] or "").strip().lower(), (row["given_name"] or "").strip().lower()
    if family:
        keys.add("similar name", f"{family} {given[:1]}", record_id)
        keys.names[record_id] = (row["display_name"] or "").lower()


def _read_company(keys: Keys, row: dict[str, Any]) -> None:
    for domain in row["domains"] or []:
        keys.add("same domain", str(domain).lower(), row["id"])
    keys.add("same name", " ".join((row["name"] or "").lower().split()), row["id"])


def pairs_of(keys: Keys) -> dict[tuple[int, int], list[str]]:
    """Every pair that shares a key, with its reasons (lower id first)."""
    found: dict[tuple[int, int], list[str]] = {}
    for reason, groups in keys.reasons.items():
        for holders in groups.values():
            if len(holders) < 2:
                continue
            for index, first in enumerate(holders):
                for second in holders[index + 1:]:
                    if reason == "similar name" and fuzz.token_sort_ratio(
                            keys.names[first], keys.names[second]) < SIMILAR_NAME:
                        continue
                    pair = (first, second) if first < second else (second, first)
                    reasons = found.setdefault(pair, [])
                    if reason not in reasons:
                        reasons.append(reason)
    return found


async def _read_all(kind: str) -> tuple[Keys, int]:
    """Read every record of ``kind`` once, in keyset batches; the keys and how many records."""
    table, columns, json_columns, reader = {
        "contact": ("crm_contact", "id, given_name, family_name, display_name, emails, phones", ("emails", "phones"),
                    _read_contact),
        "company": ("crm_company", "id, name, domains", ("domains",), _read_company),
    }[kind]
    keys, after, count = Keys(), 0, 0
    while True:
        rows = await fetch(f"SELECT {columns} FROM {table} WHERE id > {{}} ORDER BY id LIMIT {READ_BATCH}", after)
        if not rows:
            return keys, count
        for row in rows:
            reader(keys, decode_json_columns(row, json_columns))
        count += len(rows)
        after = rows[-1]["id"]


def score(reasons: list[str]) -> int:
    return min(100, sum(WEIGHTS.get(reason, 10) for reason in reasons))


async def start(kind: str, user_id: int | None) -> int:
    """A new scan of ``kind``, queued as a job; its id."""
    from crm_platform.jobs.runner import enqueue

    if kind not in KINDS:
        raise Invalid({"kind": "duplicates are scanned among contacts or companies"})
    rows = await execute(
        "INSERT INTO crm_duplicate_scan (kind, status, started_by, started_at) VALUES ({}, 'queued', {}, {}) "
        "RETURNING id", kind, user_id, clock.now(),
    )
    scan_id = rows[0]["id"]
    await enqueue(JOB, key=f"{JOB}:{scan_id}", scan_id=scan_id)
    return scan_id


async def run_scan(scan_id: int) -> None:
    """The job: scan, store the pairs, drop the pending pairs this scan no longer finds.
    Idempotent: run again, it finds and stores the same pairs."""
    found = await fetch("SELECT kind FROM crm_duplicate_scan WHERE id = {}", scan_id)
    if not found:
        return
    kind = found[0]["kind"]
    await execute("UPDATE crm_duplicate_scan SET status = 'running', error = '' WHERE id = {}", scan_id)
    try:
        stored = await scan(kind, scan_id)
    except Exception as exc:
        await execute("UPDATE crm_duplicate_scan SET status = 'failed', error = {}, finished_at = {} WHERE id = {}",
                      f"{type(exc).__name__}: {exc}", clock.now(), scan_id)
        raise
    await execute(
        "UPDATE crm_duplicate_scan SET status = 'done', records = {}, pairs = {}, finished_at = {} WHERE id = {}",
        stored[0], stored[1], clock.now(), scan_id,
    )


async def scan(kind: str, scan_id: int) -> tuple[int, int]:
    """Scan ``kind`` and store what it finds under ``scan_id``; (records read, pairs found)."""
    keys, count = await _read_all(kind)
    # Pairing is pure Python over every key: off the event loop.
    found = await asyncio.to_thread(pairs_of, keys)
    items = sorted(found.items())
    for start_at in range(0, len(items), WRITE_BATCH):
        chunk = items[start_at:start_at + WRITE_BATCH]
        args: list[Any] = []
        for (first, second), reasons in chunk:
            args += [f"{kind}:{first}:{second}", kind, first, second, json.dumps(reasons), score(reasons), scan_id]
        async with unit_of_work():
            await execute(
                "INSERT INTO crm_duplicate_pair (pair_key, kind, first_id, second_id, reasons, score, status, scan) "
                "VALUES " + ", ".join("({}, {}, {}, {}, {}, {}, 'pending', {})" for _ in chunk)
                + " ON CONFLICT (pair_key) DO UPDATE SET reasons = excluded.reasons, score = excluded.score, "
                "scan = excluded.scan, status = CASE WHEN crm_duplicate_pair.status = 'dismissed' "
                "THEN 'dismissed' ELSE 'pending' END", *args,
            )
    await execute("DELETE FROM crm_duplicate_pair WHERE kind = {} AND status = 'pending' AND scan <> {}",
                  kind, scan_id)
    return count, len(found)
