"""The trash page, restoring and purging from it, and the delete buttons of record pages
(contacts, companies, timeline items, relationships), each followed by an Undo toast."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_platform.activities import service as activities
from crm_platform.companies import service as companies
from crm_platform.contacts import service as contacts
from crm_platform.errors import Conflict
from crm_platform.records import kinds
from crm_platform.relationships import service as relationships
from crm_platform.trash import service as trash
from crm_platform.trash import store as trash_store
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import forms, lookups
from crm_platform.web.auth import safe_next
from crm_platform.web.rendering import render_page
from crm_platform.web.undo import offer_undo

PAGE_SIZE = 50


def _kind_labels() -> dict[str, str]:
    return {key: kind.label for key, kind in kinds.active().items()} | {trash.RELATIONSHIP: "Relationship"}


async def _page(request: Request, principal: Any, kind: str | None, cursor: str | None, *,
                status_code: int = 200, error: str = "") -> Response:
    labels = _kind_labels()
    chosen = kind if kind in labels else None
    entries, next_cursor = await trash.list_entries(principal, chosen, PAGE_SIZE, cursor)
    users = lookups.names_by_id(await lookups.active_users())
    return render_page(
        request, "trash/list.html", status_code=status_code, entries=entries, next_cursor=next_cursor,
        kind=chosen or "", labels=labels, users=users, error=error,
        may_purge=principal.role in ("admin", "manager"), keep_days=await trash_store.keep_days(),
    )


@get("/trash", include_in_schema=False)
async def trash_page(request: Request, principal: CurrentPrincipal, kind: FromQuery[str | None] = None,
                     cursor: FromQuery[str | None] = None) -> Response:
    return await _page(request, principal, kind, cursor)


@post("/trash/{trash_id:int}/restore", include_in_schema=False)
async def restore_entry(request: Request, principal: CurrentPrincipal, trash_id: FromPath[int]) -> Response:
    try:
        restored = await trash.restore(principal, trash_id)
    except Conflict as exc:
        return await _page(request, principal, None, None, status_code=409, error=exc.message)
    return Redirect(restored["url"] or "/trash", status_code=303)


@post("/trash/{trash_id:int}/purge", include_in_schema=False)
async def purge_entry(request: Request, principal: CurrentPrincipal, trash_id: FromPath[int]) -> Response:
    await trash.purge(principal, trash_id)
    return Redirect("/trash", status_code=303)


# --- the delete buttons ---------------------------------------------------------------------


@post("/contacts/{contact_id:int}/delete", include_in_schema=False)
async def delete_contact(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    contact = await contacts.get(principal, contact_id)
    offer_undo(request, await contacts.delete(principal, contact_id), f"Deleted {contact['display_name']}.")
    return Redirect("/contacts", status_code=303)


@post("/companies/{company_id:int}/delete", include_in_schema=False)
async def delete_company(request: Request, principal: CurrentPrincipal, company_id: FromPath[int]) -> Response:
    company = await companies.get(principal, company_id)
    offer_undo(request, await companies.delete(principal, company_id), f"Deleted {company['name']}.")
    return Redirect("/companies", status_code=303)


@post("/activities/{activity_id:int}/delete", include_in_schema=False)
async def delete_activity(request: Request, principal: CurrentPrincipal, activity_id: FromPath[int]) -> Response:
    values = await forms.form_data(request)
    activity = await activities.get(principal, activity_id)
    subject = activity["subject"] or activity["type"].replace("_", " ")
    offer_undo(request, await activities.delete(principal, activity_id), f"Deleted {subject}.")
    return Redirect(safe_next(forms.text(values, "next")), status_code=303)


@post("/relationships/{relationship_id:int}/delete", include_in_schema=False)
async def delete_relationship(request: Request, principal: CurrentPrincipal,
                              relationship_id: FromPath[int]) -> Response:
    values = await forms.form_data(request)
    offer_undo(request, await relationships.delete(principal, relationship_id), "Removed the relationship.")
    return Redirect(safe_next(forms.text(values, "next")), status_code=303)


HANDLERS = [trash_page, restore_entry, purge_entry, delete_contact, delete_company, delete_activity,
            delete_relationship]
