"""``/api/v1/trash``: deleted records, restored or purged."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, Parameter

from crm_platform.trash import service
from crm_platform.users.auth import CurrentPrincipal


class TrashEntryOut(msgspec.Struct):
    """A deleted record: ``kind`` is ``contact``, ``company``, ``activity``, ``relationship``
    or a plugin's kind (``sales.deal``); ``expires`` is when it is purged for good."""

    id: int
    kind: str
    record_id: int
    title: str
    owner_id: int | None
    deleted_by_id: int | None
    deleted_at: dt.datetime
    expires: dt.datetime


class TrashPage(msgspec.Struct):
    items: list[TrashEntryOut]
    next_cursor: str | None


class RestoredOut(msgspec.Struct):
    """The record back in place: ``record_id`` is its old id unless another record took it."""

    kind: str
    record_id: int
    title: str
    url: str


def to_out(row: dict[str, Any]) -> TrashEntryOut:
    return TrashEntryOut(
        id=row["id"], kind=row["kind"], record_id=row["record_id"], title=row["title"], owner_id=row["owner"],
        deleted_by_id=row["deleted_by"], deleted_at=row["deleted_at"], expires=row["expires"],
    )


class TrashController(Controller):
    path = "/api/v1/trash"
    tags = ["trash"]

    @get("/")
    async def list_trash(
        self,
        principal: CurrentPrincipal,
        kind: Annotated[str | None, Parameter(description="only this kind: contact, company, activity, "
                                                          "relationship, sales.deal ...")] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> TrashPage:
        """Deleted records you could see before they were deleted, newest first."""
        rows, next_cursor = await service.list_entries(principal, kind, limit, cursor)
        return TrashPage(items=[to_out(row) for row in rows], next_cursor=next_cursor)

    @post("/{trash_id:int}/restore", status_code=200)
    async def restore_entry(self, principal: CurrentPrincipal, trash_id: FromPath[int]) -> RestoredOut:
        """Put the record back, with its relationships, timeline links, tags, custom field
        values and every row that pointed at it. Needs the right to delete it. 409 naming the
        field when a unique value (a contact's email) was taken since, or a record it needs
        is gone; nothing is restored then."""
        return msgspec.convert(await service.restore(principal, trash_id), RestoredOut)

    @delete("/{trash_id:int}")
    async def purge_entry(self, principal: CurrentPrincipal, trash_id: FromPath[int]) -> None:
        """Delete the record for good now, instead of when it expires (admins and managers)."""
        await service.purge(principal, trash_id)
