"""Request and response bodies of the companies API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType

CompanyName = Annotated[str, Meta(min_length=1, max_length=200)]
Domains = Annotated[list[Annotated[str, Meta(max_length=253)]], Meta(max_length=20)]
Industry = Annotated[str, Meta(max_length=100)]
Tags = Annotated[list[str], Meta(max_length=50)]


class CompanyIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new company. Domains are host names such as ``example.com``."""

    name: CompanyName
    domains: Domains = []
    industry: Industry = ""
    size: str = ""
    parent_id: int | None = None
    owner_id: int | None | UnsetType = UNSET
    tags: Tags = []
    custom: dict[str, Any] = {}


class CompanyPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; those left out keep their value. ``custom`` merges, ``null`` removes."""

    name: CompanyName | UnsetType = UNSET
    domains: Domains | UnsetType = UNSET
    industry: Industry | UnsetType = UNSET
    size: str | UnsetType = UNSET
    parent_id: int | None | UnsetType = UNSET
    owner_id: int | None | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET
    custom: dict[str, Any] | UnsetType = UNSET


class CompanyOut(msgspec.Struct):
    id: int
    name: str
    domains: list[str]
    industry: str
    size: str
    parent_id: int | None
    owner_id: int | None
    tags: list[str]
    custom: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class CompanyPage(msgspec.Struct):
    items: list[CompanyOut]
    next_cursor: str | None


class Person(msgspec.Struct):
    """A contact who works at a company, with their role there; ``relationship_id`` is the
    works-at relationship (``DELETE /api/v1/relationships/{id}`` removes it)."""

    id: int
    display_name: str
    primary_email: str | None
    job_title: str
    role: str
    relationship_id: int


class PeoplePage(msgspec.Struct):
    items: list[Person]
    next_cursor: str | None


class HierarchyNode(msgspec.Struct):
    id: int
    name: str
    parent_id: int | None
    depth: int


class Hierarchy(msgspec.Struct):
    """``ancestors`` nearest first (depth -1, -2 ...); ``descendants`` level by level (1, 2 ...)."""

    company: HierarchyNode
    ancestors: list[HierarchyNode]
    descendants: list[HierarchyNode]
