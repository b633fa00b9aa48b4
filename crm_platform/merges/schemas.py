"""Request and response bodies of the merges and duplicates API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from msgspec import Meta


class MergeIn(msgspec.Struct, forbid_unknown_fields=True):
    """Merge ``other_id`` into ``survivor_id``. ``choices`` names, per field (``custom.<key>``
    for a custom field), whose value survives: ``survivor``, ``other`` or, for lists (emails,
    phones, domains, tags), ``both``; a field left out keeps the survivor's value unless it is
    empty, and lists keep both."""

    kind: Annotated[str, Meta(max_length=60)]
    survivor_id: int
    other_id: int
    choices: Annotated[dict[str, str], Meta(max_length=200)] = {}
    dry_run: bool = False


class MergeGroupIn(msgspec.Struct, forbid_unknown_fields=True):
    """Merge each of ``other_ids`` into ``survivor_id`` in turn, all or none. ``choices`` names,
    per field, the record whose value survives (its id as text, or ``survivor``) or, for lists,
    ``both``; a field left out keeps the survivor's value, or the first value found if it had none."""

    kind: Annotated[str, Meta(max_length=60)]
    survivor_id: int
    other_ids: Annotated[list[int], Meta(max_length=20)]
    choices: Annotated[dict[str, str], Meta(max_length=200)] = {}
    dry_run: bool = False


class UndoIn(msgspec.Struct, forbid_unknown_fields=True):
    """Nothing to say yet: an undo is asked for by the merge's id alone (the body may be left out)."""


class MergeOut(msgspec.Struct):
    merge_id: int | None
    kind: str
    survivor_id: int
    merged_id: int
    dry_run: bool
    choices: dict[str, str]
    changes: dict[str, Any]
    moved: dict[str, int]


class MergeGroupOut(msgspec.Struct):
    """One merge per record merged away, in order; each is undone on its own."""

    merges: list[MergeOut]


class UndoOut(msgspec.Struct):
    merge_id: int
    kind: str
    survivor_id: int
    merged_id: int
    not_restored: list[str]


class MergeEntryOut(msgspec.Struct):
    id: int
    kind: str
    survivor_id: int
    merged_id: int
    merged_title: str
    actor_id: int | None
    merged_at: dt.datetime
    undone_at: dt.datetime | None
    undo_blocked_by: list[str]


class DuplicatePairOut(msgspec.Struct):
    kind: str
    first_id: int
    first_title: str
    second_id: int
    second_title: str
    reasons: list[str]


class ScanIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: str = "contact"


class ScanOut(msgspec.Struct):
    id: int
    kind: str
    status: str
    records: int
    pairs: int
    error: str


class QueuedPairOut(msgspec.Struct):
    id: int
    kind: str
    first_id: int
    first_title: str
    second_id: int
    second_title: str
    reasons: list[str]
    score: int


class QueuePageOut(msgspec.Struct):
    items: list[QueuedPairOut]
    next_cursor: str | None


class DismissedOut(msgspec.Struct):
    id: int
    kind: str
    first_id: int
    second_id: int
    status: str
