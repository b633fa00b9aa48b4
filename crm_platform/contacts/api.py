"""``/api/v1/contacts``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.response import Stream

from crm_platform.contacts import bulk, duplicates, listing, service, vcard
from crm_platform.contacts.schemas import (
    BulkContactsIn,
    BulkContactsOut,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    DuplicateOut,
)
from crm_platform.records.reads import announce_read
from crm_platform.users.auth import CurrentPrincipal

VCARD_TYPE = "text/vcard; charset=utf-8"


def to_out(row: dict[str, Any]) -> ContactOut:
    return msgspec.convert({**row, "owner_id": row["owner"]}, ContactOut, from_attributes=False, strict=False)


class ContactController(Controller):
    path = "/api/v1/contacts"
    tags = ["contacts"]

    @get("/")
    async def list_contacts(
        self,
        request: Request,
        principal: CurrentPrincipal,
        owner_id: FromQuery[int | None] = None,
        tag: FromQuery[str | None] = None,
        lifecycle_stage: FromQuery[str | None] = None,
        updated_since: FromQuery[dt.datetime | None] = None,
        custom: Annotated[
            list[str] | None, Parameter(description=(
                "custom field filter, key:value (equals) or key:operator:value; operators eq, not, lt, gt, "
                "between (low,high), in (a,b), contains, empty, not_empty; repeat for several, all must match"
            ))
        ] = None,
        sort: Annotated[str, Parameter(description="display_name, lifecycle_stage, created_at, updated_at or id; - for descending")] = "display_name",
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> ContactPage:
        """Contacts you may see, one keyset page at a time; follow ``next_cursor``."""
        filters = listing.ContactFilters(owner_id, tag, lifecycle_stage, updated_since, custom or [])
        rows, next_cursor = await listing.list_contacts(principal, filters, sort, limit, cursor)
        await announce_read(principal, "contact", rows, "list", request)
        return ContactPage(items=[to_out(row) for row in rows], next_cursor=next_cursor)

    @post("/")
    async def create_contact(self, principal: CurrentPrincipal, data: JSONBody[ContactIn]) -> ContactOut:
        """Create a contact; a second contact with an existing primary email is refused (409)."""
        return to_out(await service.create(principal, data))

    @post("/bulk")
    async def create_contacts(self, principal: CurrentPrincipal, data: JSONBody[BulkContactsIn]) -> BulkContactsOut:
        """Create up to 1,000 contacts, all or nothing."""
        ids = await bulk.create_many(principal, data.contacts)
        return BulkContactsOut(created=len(ids), ids=ids)

    @get("/{contact_id:int}")
    async def get_contact(self, request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> ContactOut:
        contact = await service.get(principal, contact_id)
        await announce_read(principal, "contact", [contact], "api", request)
        return to_out(contact)

    @get("/vcard", media_type=VCARD_TYPE)
    async def export_vcards(
        self,
        request: Request,
        principal: CurrentPrincipal,
        owner_id: FromQuery[int | None] = None,
        tag: FromQuery[str | None] = None,
        lifecycle_stage: FromQuery[str | None] = None,
        custom: Annotated[list[str] | None, Parameter(description="custom field filters, as for the list")] = None,
        version: Annotated[str, Parameter(description="vCard version: 3.0 or 4.0")] = "4.0",
    ) -> Stream:
        """The contacts you may see that match the filters, as one vCard file (streamed)."""
        vcard.check_version(version)
        filters = listing.ContactFilters(owner_id, tag, lifecycle_stage, None, custom or [])
        return Stream(await vcard.list_cards(principal, filters, version, request), media_type=VCARD_TYPE,
                      headers={"Content-Disposition": 'attachment; filename="contacts.vcf"'})

    @get("/{contact_id:int}/vcard", media_type=VCARD_TYPE)
    async def export_vcard(
        self, request: Request, principal: CurrentPrincipal, contact_id: FromPath[int],
        version: Annotated[str, Parameter(description="vCard version: 3.0 or 4.0")] = "4.0",
    ) -> Response[str]:
        """The contact as a vCard file."""
        card = await vcard.contact_card(principal, contact_id, version, request)
        return Response(card, media_type=VCARD_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="contact-{contact_id}.vcf"'})

    @get("/{contact_id:int}/duplicates")
    async def list_duplicates(self, principal: CurrentPrincipal, contact_id: FromPath[int]) -> list[DuplicateOut]:
        """Contacts that may be the same person (same email or phone, or a similar name)."""
        return [
            DuplicateOut(candidate.id, candidate.display_name, candidate.score, candidate.reasons)
            for candidate in await duplicates.candidates(principal, contact_id)
        ]

    @patch("/{contact_id:int}")
    async def update_contact(
        self, principal: CurrentPrincipal, contact_id: FromPath[int], data: JSONBody[ContactPatch]
    ) -> ContactOut:
        """Change the fields given; the others keep their values."""
        return to_out(await service.update(principal, contact_id, data))

    @delete("/{contact_id:int}")
    async def delete_contact(self, principal: CurrentPrincipal, contact_id: FromPath[int]) -> None:
        await service.delete(principal, contact_id)
