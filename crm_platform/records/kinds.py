"""The registry of record kinds: the core's contact, company and activity, and every enabled
plugin's (``sales.deal``, ``vet.pet`` ...), each with its table and what is generic about it."""

from __future__ import annotations

import weakref
from functools import cache
from typing import Any

from crm_hookspecs import RecordKind
from piccolo.columns import JSON, JSONB

from crm_platform import runtime
from crm_platform.db.raw import decode_json_columns
from crm_platform.errors import Invalid

# Every read asks for its kind: the registry is built once per host and set of enabled plugins.
_by_host: weakref.WeakKeyDictionary[Any, dict[frozenset[str], dict[str, RecordKind]]] = weakref.WeakKeyDictionary()


def active() -> dict[str, RecordKind]:
    """The kinds of the core and of the enabled plugins, by key."""
    host = runtime.current().host
    by_enabled = _by_host.setdefault(host, {})
    enabled = frozenset(host.enabled)
    if enabled not in by_enabled:
        by_enabled[enabled] = {kind.key: kind for kind in host.items("crm_record_kinds")}
    return by_enabled[enabled]


def find(key: str) -> RecordKind | None:
    return active().get(key)


def get(key: str, field: str = "record_type") -> RecordKind:
    """The kind ``key``, or :class:`Invalid` naming ``field`` when no enabled plugin keeps it."""
    kind = find(key)
    if kind is None:
        slug, dot, _ = key.partition(".")
        if dot and slug and slug in runtime.current().host.records and not runtime.current().host.is_active(slug):
            raise Invalid({field: f"plugin {slug!r}, which keeps {key!r} records, is not enabled"})
        known = ", ".join(sorted(active()))
        raise Invalid({field: f"unknown record kind {key!r}; known: {known}"})
    return kind


def table_name(kind: RecordKind) -> str:
    return kind.table._meta.tablename


def columns(kind: RecordKind) -> set[str]:
    return {column._meta.name for column in kind.table._meta.columns}


def json_columns(kind: RecordKind) -> tuple[str, ...]:
    return _json_columns(kind.table)


@cache
def _json_columns(table: type) -> tuple[str, ...]:
    # Asked for every row read (to decode it), so found once per table.
    return tuple(column._meta.name for column in table._meta.columns if isinstance(column, (JSON, JSONB)))


def decode(kind: RecordKind, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its JSON columns decoded in place: SQLite returns them as text."""
    return decode_json_columns(row, json_columns(kind))


def page_url(kind: RecordKind, record_id: int) -> str:
    return kind.url.format(id=record_id) if kind.url else ""
