"""The global search index, kept in step with writes: SQLite FTS5 or PostgreSQL trigrams.

Writers call :func:`upsert` and :func:`remove` inside the transaction that changed the
record, so the index never disagrees with what was committed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.db.bulk import Inserts
from crm_platform.db.engine import is_sqlite
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.records import access
from crm_platform.records import kinds as record_kinds

_WORDS = re.compile(r"\w+", re.UNICODE)
_PHONE_LIKE = re.compile(r"^[\d\s()+.\-/]{4,}$")
MAX_TERMS_LENGTH = 4000
RANKED_MATCHES = 200


@dataclass(frozen=True)
class Entry:
    kind: str
    record_id: int
    title: str
    subtitle: str
    terms: tuple[str, ...]
    owner_id: int | None


@dataclass(frozen=True)
class Hit:
    kind: str
    record_id: int
    title: str
    subtitle: str


def _terms(entry: Entry) -> str:
    """The entry's words, once each, leaving out those of the title (indexed on its own)."""
    # One pass over all terms (a space never joins two words); dict keys keep the first-seen order.
    words = dict.fromkeys(_WORDS.findall(" ".join(entry.terms).lower()))
    for word in _WORDS.findall(entry.title.lower()):
        words.pop(word, None)
    return " ".join(words)[:MAX_TERMS_LENGTH]


async def upsert(entries: list[Entry]) -> None:
    """Add or replace the entries of these records."""
    for start in range(0, len(entries), 200):
        chunk = entries[start : start + 200]
        await _delete_many([(entry.kind, entry.record_id) for entry in chunk])
        values = ", ".join("({}, {}, {}, {}, {}, {})" for _ in chunk)
        args: list[object] = []
        for entry in chunk:
            args += [entry.kind, entry.record_id, entry.title[:300], entry.subtitle[:300]]
            args += [entry.owner_id, _terms(entry)]
        await execute(
            "INSERT INTO crm_search_entry (kind, record_id, title, subtitle, owner_id, terms) "
            f"VALUES {values}",
            *args,
        )


def add_new(inserts: Inserts, entries: list[Entry]) -> None:
    """Add entries of records that have none yet (just created), without the delete."""
    by_kind: dict[str, list[tuple[object, ...]]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(
            (entry.record_id, entry.title[:300], entry.subtitle[:300], entry.owner_id, _terms(entry))
        )
    for kind, rows in by_kind.items():
        inserts.add("crm_search_entry", ("record_id", "title", "subtitle", "owner_id", "terms"), rows, {"kind": kind})


async def _delete_many(records: list[tuple[str, int]]) -> None:
    by_kind: dict[str, list[int]] = {}
    for kind, record_id in records:
        by_kind.setdefault(kind, []).append(record_id)
    for kind, ids in by_kind.items():
        await execute(
            f"DELETE FROM crm_search_entry WHERE kind = {{}} AND record_id IN ({placeholders(ids)})", kind, *ids
        )


async def remove(kind: str, record_id: int) -> None:
    await _delete_many([(kind, record_id)])


def query_words(text: str) -> list[str]:
    """The words to match by prefix. A phone number is matched by its digits alone."""
    text = text.strip().lower()
    if _PHONE_LIKE.match(text):
        digits = re.sub(r"\D", "", text).lstrip("0")
        return [digits] if digits else []
    return _WORDS.findall(text)[:8]


async def search(principal: Principal, text: str, limit: int = 20, kinds: tuple[str, ...] = ()) -> list[Hit]:
    """Records whose names, emails, phones (or a plugin's terms) start with every word typed."""
    words = query_words(text)
    if not words:
        return []
    conditions: list[str] = []
    args: list[object] = []
    owners = await access.visible_owner_ids(principal)
    if owners is not None:
        conditions.append(f"e.owner_id IN ({placeholders(owners)})")
        args += owners
    if kinds:
        conditions.append(f"e.kind IN ({placeholders(kinds)})")
        args += kinds
    for kind in record_kinds.active().values():
        if kinds and kind.key not in kinds:
            continue
        for condition, condition_args in await access.conditions(principal, "read", kind.key):
            # Entries of other kinds pass; this kind's must name a record meeting the condition.
            conditions.append(
                f"(e.kind <> {{}} OR e.record_id IN (SELECT id FROM {record_kinds.table_name(kind)} WHERE {condition}))"
            )
            args += [kind.key, *condition_args]
    extra = "".join(f" AND {condition}" for condition in conditions)
    if is_sqlite(runtime.current().engine):
        match = " ".join('"' + word.replace('"', "") + '"*' for word in words)
        # Rank only the first matches: ranking every row that starts with "a" among a
        # million contacts takes tens of milliseconds; a narrower query ranks them all.
        rows = await fetch(
            "SELECT kind, record_id, title, subtitle FROM ("
            # CROSS JOIN keeps the FTS match as the outer loop: with a filter on the kind,
            # SQLite would otherwise walk every entry of that kind and probe the index for each.
            "SELECT e.kind, e.record_id, e.title, e.subtitle, f.rank FROM crm_search_fts f "
            "CROSS JOIN crm_search_entry e ON e.id = f.rowid "
            f"WHERE crm_search_fts MATCH {{}}{extra} LIMIT {RANKED_MATCHES}"
            f") ORDER BY rank LIMIT {int(limit)}",
            match,
            *args,
        )
    else:
        # \m anchors each word at the start of a word, as FTS5's prefix query does; the
        # trigram index answers regular expressions as well as LIKE.
        starts = " AND ".join("(lower(e.title) || ' ' || e.terms) ~ {}" for _ in words)
        patterns = ["\\m" + re.escape(word) for word in words]
        rows = await fetch(
            f"SELECT e.kind, e.record_id, e.title, e.subtitle FROM crm_search_entry e WHERE {starts}{extra} "
            f"ORDER BY similarity(lower(e.title), {{}}) DESC, e.title LIMIT {int(limit)}",
            *patterns,
            *args,
            " ".join(words),
        )
    return [Hit(row["kind"], row["record_id"], row["title"], row["subtitle"]) for row in rows]
