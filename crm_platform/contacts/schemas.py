"""Request and response bodies of the contacts API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType

Name = Annotated[str, Meta(max_length=100)]
LongName = Annotated[str, Meta(max_length=200)]
Label = Annotated[str, Meta(max_length=40)]


class EmailAddress(msgspec.Struct, forbid_unknown_fields=True):
    address: Annotated[str, Meta(min_length=1, max_length=254)]
    label: Label = "work"


class PhoneNumber(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[str, Meta(min_length=1, max_length=40)]
    label: Label = "work"


class ContactIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new contact. The first email is the primary one; it must be unique."""

    given_name: Name = ""
    family_name: Name = ""
    display_name: LongName = ""
    emails: Annotated[list[EmailAddress], Meta(max_length=20)] = []
    phones: Annotated[list[PhoneNumber], Meta(max_length=20)] = []
    job_title: LongName = ""
    lifecycle_stage: str = "lead"
    owner_id: int | None | UnsetType = UNSET
    tags: Annotated[list[str], Meta(max_length=50)] = []
    source: Annotated[str, Meta(max_length=100)] = ""
    custom: dict[str, Any] = {}
    company_ids: Annotated[list[int], Meta(max_length=20)] = []


class ContactPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; those left out keep their value. ``custom`` merges, ``null`` removes."""

    given_name: Name | UnsetType = UNSET
    family_name: Name | UnsetType = UNSET
    display_name: LongName | UnsetType = UNSET
    emails: Annotated[list[EmailAddress], Meta(max_length=20)] | UnsetType = UNSET
    phones: Annotated[list[PhoneNumber], Meta(max_length=20)] | UnsetType = UNSET
    job_title: LongName | UnsetType = UNSET
    lifecycle_stage: str | UnsetType = UNSET
    owner_id: int | None | UnsetType = UNSET
    tags: Annotated[list[str], Meta(max_length=50)] | UnsetType = UNSET
    source: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    custom: dict[str, Any] | UnsetType = UNSET


class CompanyRef(msgspec.Struct):
    id: int
    name: str
    role: str = ""


class ContactOut(msgspec.Struct):
    id: int
    display_name: str
    given_name: str
    family_name: str
    primary_email: str | None
    emails: list[EmailAddress]
    phones: list[PhoneNumber]
    job_title: str
    lifecycle_stage: str
    lifecycle_changed_at: dt.datetime
    owner_id: int | None
    tags: list[str]
    source: str
    custom: dict[str, Any]
    companies: list[CompanyRef]
    created_at: dt.datetime
    updated_at: dt.datetime
    last_contacted_at: dt.datetime | None


class ContactPage(msgspec.Struct):
    items: list[ContactOut]
    next_cursor: str | None


class BulkContactsIn(msgspec.Struct, forbid_unknown_fields=True):
    contacts: Annotated[list[ContactIn], Meta(min_length=1, max_length=1000)]


class BulkContactsOut(msgspec.Struct):
    created: int
    ids: list[int]


class DuplicateOut(msgspec.Struct):
    id: int
    display_name: str
    score: int
    reasons: list[str]
