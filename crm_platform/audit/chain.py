"""The audit log as a hash chain: each entry holds the hash of its own content and of the entry
before it, so an entry edited, inserted or removed behind the application's back shows.

Entries are numbered by ``seq`` (1, 2, 3 ... with no gaps), given here rather than by the id
sequence: a rolled-back transaction leaves no hole in ``seq``, and the chain's order does not
depend on which of two bulk writes reached the table first.

Appends are serialised so that two transactions never chain to the same predecessor: on
PostgreSQL by a transaction-scoped advisory lock taken before the chain's head is read; on
SQLite every transaction is ``BEGIN IMMEDIATE`` and so holds the single write lock already.
A unique index on ``seq`` turns any append that slipped past both into an error, never a fork.

What is hashed is the stored text of ``changes`` (a ``json`` column on PostgreSQL keeps its
input verbatim), so reading an entry back gives the bytes that were hashed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from piccolo.querystring import QueryString

from crm_platform.clock import as_utc
from crm_platform.db.engine import SQLiteEngine, is_sqlite

GENESIS = "0" * 64
# Any constant; names the chain among the advisory locks of the database.
_LOCK_KEY = 0x63726D5F61756474  # "crm_audt"
# The PostgreSQL transaction that holds the chain's lock already (transactions take no
# attributes): the lock is taken once per transaction, not once per entry.
_locked_by: ContextVar[object | None] = ContextVar("crm_audit_chain_locked_by", default=None)
VERIFY_BATCH = 5000


@dataclass(frozen=True)
class Head:
    seq: int
    entry_hash: str


def moment(value: Any) -> str:
    """An entry's time as hashed: UTC, to the microsecond, whatever form it was stored in."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"an audit entry's time must be a datetime, not {type(value).__name__}")
    return as_utc(value).isoformat(timespec="microseconds")


def entry_hash(seq: int, prev_hash: str, at: str, actor_id: int | None, record_type: str,
               record_id: int, action: str, changes: str) -> str:
    # Every field but the last is free of newlines, and ``changes`` comes last: the joined text
    # can be read back into its fields one way only.
    text = "\n".join((str(seq), prev_hash, at, "" if actor_id is None else str(actor_id),
                      record_type, str(record_id), action, changes))
    return hashlib.sha256(text.encode()).hexdigest()


def _transaction(engine: Any) -> Any:
    transaction = engine.current_transaction.get()
    if transaction is None:
        raise RuntimeError("audit entries are chained inside a transaction")
    return transaction


async def _fetch(engine: Any, sql: str, *args: Any) -> list[dict]:
    """A read inside the transaction, on ``engine`` (a migration has no runtime to ask)."""
    if isinstance(engine, SQLiteEngine):
        return await engine.write(sql.replace("{}", "?"), args)
    rows = await engine.run_querystring(QueryString(sql, *args, query_type="select"))
    return [dict(row) for row in rows or []]


async def head(engine: Any) -> Head:
    """The last entry of the chain, with the chain locked for this transaction."""
    transaction = _transaction(engine)
    if not is_sqlite(engine) and _locked_by.get() is not transaction:
        await _fetch(engine, "SELECT pg_advisory_xact_lock({})", _LOCK_KEY)
        _locked_by.set(transaction)
    rows = await _fetch(engine, "SELECT seq, entry_hash FROM crm_audit_entry WHERE seq IS NOT NULL "
                                "ORDER BY seq DESC LIMIT 1")
    return Head(rows[0]["seq"], rows[0]["entry_hash"]) if rows else Head(0, GENESIS)


def link(start: Head, entries: Iterable[Mapping[str, Any]]) -> list[tuple[int, str, str]]:
    """``(seq, prev_hash, entry_hash)`` for each of ``entries`` (mappings with ``at``,
    ``actor_id``, ``record_type``, ``record_id``, ``action`` and ``changes`` as stored text),
    chained on from ``start``."""
    links = []
    seq, previous = start.seq, start.entry_hash
    at_text: dict[Any, str] = {}
    for entry in entries:
        seq += 1
        at = entry["at"]
        # Bulk writes share one time among thousands of entries: format it once.
        stamp = at_text.get(at) if isinstance(at, (str, dt.datetime)) else None
        if stamp is None:
            stamp = at_text[at] = moment(at)
        current = entry_hash(seq, previous, stamp, entry["actor_id"], entry["record_type"],
                             entry["record_id"], entry["action"], entry["changes"])
        links.append((seq, previous, current))
        previous = current
    return links


def stored_moment(engine: Any, value: dt.datetime) -> Any:
    return sqlite3.adapt(value) if isinstance(engine, SQLiteEngine) else value


COLUMNS = ("at", "actor_id", "record_type", "record_id", "action", "changes")


def entries(columns: Sequence[str], rows: Sequence[Sequence[Any]], same: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """``rows`` (values in ``columns`` order, plus ``same`` in every row) in :data:`COLUMNS` order."""
    if tuple(columns) == COLUMNS and not same:
        return [tuple(row) for row in rows]
    return [tuple(values[name] for name in COLUMNS)
            for values in ({**same, **dict(zip(columns, row, strict=True))} for row in rows)]


async def append(engine: Any, rows: Sequence[tuple[Any, ...]]) -> None:
    """Chain ``rows`` (in :data:`COLUMNS` order; ``changes`` as the JSON text to store) on to the
    log's head and insert them, inside the current transaction.

    The unit of work calls this once, just before it commits: the chain's lock is held only
    for the end of a transaction, after every other lock it takes, so two transactions never
    wait on each other across it.
    """
    from crm_platform.db.bulk import insert_rows

    start = await head(engine)
    links = link(start, (dict(zip(COLUMNS, row, strict=True)) for row in rows))
    stamps: dict[Any, Any] = {}
    chained = []
    for row, chain in zip(rows, links, strict=True):
        at = row[0]
        if isinstance(at, dt.datetime):
            at = stamps.get(at) or stamps.setdefault(at, stored_moment(engine, at))
        chained.append((at, *row[1:], *chain))
    await insert_rows("crm_audit_entry", (*COLUMNS, "seq", "prev_hash", "entry_hash"), chained)
