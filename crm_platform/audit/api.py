"""The change history of contacts and companies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.params import FromPath, Parameter

from crm_platform.audit import service as audit
from crm_platform.companies import service as companies
from crm_platform.contacts import service as contacts
from crm_platform.records.reads import announce_history
from crm_platform.users.auth import CurrentPrincipal


class HistoryEntry(msgspec.Struct):
    id: int
    at: dt.datetime
    actor_id: int | None
    action: str
    changes: dict[str, Any]


class History(msgspec.Struct):
    items: list[HistoryEntry]


Limit = Annotated[int, Parameter(ge=1, le=500)]


def _history(rows: list[dict[str, Any]]) -> History:
    return History(items=msgspec.convert(rows, list[HistoryEntry], strict=False))


@get("/api/v1/contacts/{contact_id:int}/history", tags=["contacts"])
async def contact_history(
    request: Request, principal: CurrentPrincipal, contact_id: FromPath[int], limit: Limit = 100
) -> History:
    """Who changed what on this contact, and when: newest first."""
    await contacts.get(principal, contact_id)
    entries = await audit.history("contact", contact_id, limit)
    await announce_history(principal, "contact", contact_id, entries, request)
    return _history(entries)


@get("/api/v1/companies/{company_id:int}/history", tags=["companies"])
async def company_history(
    principal: CurrentPrincipal, company_id: FromPath[int], limit: Limit = 100
) -> History:
    """Who changed what on this company, and when: newest first."""
    await companies.get(principal, company_id)
    return _history(await audit.history("company", company_id, limit))
