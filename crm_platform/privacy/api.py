"""``GET /api/v1/contacts/{id}/personal-data`` (the subject access export) and
``POST /api/v1/contacts/{id}/erase`` (the erasure), for admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath, JSONBody

from crm_platform.privacy import consents, erase, export
from crm_platform.users.auth import CurrentPrincipal


class EraseIn(msgspec.Struct, forbid_unknown_fields=True):
    confirm: str


class EraseOut(msgspec.Struct):
    erased: bool
    counts: dict[str, int]


@get("/api/v1/contacts/{contact_id:int}/personal-data", tags=["contacts"])
async def personal_data(principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response[Any]:
    """Everything the core and every plugin hold about this person, as one JSON document
    (a zip archive holding it when it is large). Admins only; the export is audited."""
    document = await export.export_contact(principal, contact_id)
    body = export.dumps(document)
    if len(body) > export.ZIP_ABOVE_BYTES:
        return Response(export.as_zip(document), media_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="contact-{contact_id}.zip"'})
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="contact-{contact_id}.json"'})


@post("/api/v1/contacts/{contact_id:int}/erase", status_code=200, tags=["contacts"])
async def erase_person(principal: CurrentPrincipal, contact_id: FromPath[int], data: JSONBody[EraseIn]) -> EraseOut:
    """Erase this person from the core and every plugin, for good (no trash, no restore).
    ``confirm`` repeats the contact's name. Admins only; an audit entry without their data stays."""
    counts = await erase.erase_contact(principal, contact_id, data.confirm)
    return EraseOut(erased=True, counts=counts)


class ConsentIn(msgspec.Struct, forbid_unknown_fields=True):
    purpose: str
    granted: bool
    channel: str = ""
    source: str = ""
    text_version: str = ""


class ConsentOut(msgspec.Struct):
    id: int
    purpose: str
    channel: str
    granted: bool
    source: str
    text_version: str
    actor_id: int | None
    at: dt.datetime


class ConsentLedger(msgspec.Struct):
    current: list[ConsentOut]
    items: list[ConsentOut]


def _consents(rows: list[dict[str, Any]]) -> list[ConsentOut]:
    return msgspec.convert(rows, list[ConsentOut], strict=False)


@get("/api/v1/contacts/{contact_id:int}/consents", tags=["contacts"])
async def consent_ledger(principal: CurrentPrincipal, contact_id: FromPath[int]) -> ConsentLedger:
    """The contact's consents: what holds now per purpose and channel, and the whole ledger,
    newest first."""
    rows = await consents.ledger(principal, contact_id)
    return ConsentLedger(current=_consents(consents.current(rows)), items=_consents(rows))


@post("/api/v1/contacts/{contact_id:int}/consents", tags=["contacts"])
async def record_consent(principal: CurrentPrincipal, contact_id: FromPath[int], data: JSONBody[ConsentIn]) -> ConsentOut:
    """Record consent given (``granted: true``) or withdrawn for a purpose, with where it was
    said and the wording shown. The ledger only grows."""
    row = await consents.record(principal, contact_id, purpose=data.purpose, granted=data.granted,
                                channel=data.channel, source=data.source, text_version=data.text_version)
    return _consents([row])[0]


HANDLERS = [personal_data, erase_person, consent_ledger, record_consent]
