"""Request and response bodies of the relationships API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

Role = Annotated[str, Meta(max_length=100)]


class RecordRef(msgspec.Struct, forbid_unknown_fields=True):
    """One end of a relationship: ``{"type": "contact", "id": 7}``."""

    type: str
    id: int


class RelationshipIn(msgspec.Struct, forbid_unknown_fields=True):
    """``source`` *type's label* ``target``, e.g. Ada *works at* Acme."""

    type: Annotated[str, Meta(min_length=1, max_length=60)]
    source: RecordRef
    target: RecordRef
    role: Role = ""
    since: dt.date | None = None
    until: dt.date | None = None


class RelationshipPatch(msgspec.Struct, forbid_unknown_fields=True):
    role: Role | UnsetType = UNSET
    since: dt.date | None | UnsetType = UNSET
    until: dt.date | None | UnsetType = UNSET


class End(msgspec.Struct):
    type: str
    id: int
    name: str


class RelationshipOut(msgspec.Struct):
    """``label`` reads the relationship from the record a list was asked for (or from the
    source): "works at" seen from the person, "employs" seen from the company."""

    id: int
    type: str
    label: str
    source: End
    target: End
    role: str
    since: dt.date | None
    until: dt.date | None
    created_at: dt.datetime


class RelationshipPage(msgspec.Struct):
    items: list[RelationshipOut]
    next_cursor: str | None


class GraphNode(msgspec.Struct):
    type: str
    id: int
    name: str


class GraphEdge(msgspec.Struct):
    type: str
    label: str
    source: str
    target: str


class Graph(msgspec.Struct):
    """Nodes are named ``"<type>:<id>"`` in edges, e.g. ``"contact:7"``."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool
