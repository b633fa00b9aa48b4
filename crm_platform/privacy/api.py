"""``GET /api/v1/contacts/{id}/personal-data`` (the subject access export) and
``POST /api/v1/contacts/{id}/erase`` (the erasure), for admins."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, get, post
from litestar.params import FromPath, JSONBody

from crm_platform.privacy import erase, export
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


HANDLERS = [personal_data, erase_person]
