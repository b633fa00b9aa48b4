"""The sequence pages: the sequences, and one sequence with its steps, the contacts enrolled
(as the user sees them) and the step each is at, and a form to enrol a contact by hand."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_automation import sequences
from crm_automation.api import MANAGE, VIEW
from crm_platform.toolkit import CurrentPrincipal, Invalid, has_permission, render_page, require_permission


@get("/sequences", name="automation-sequences", include_in_schema=False)
async def sequences_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, VIEW)
    return render_page(request, "automation/sequences.html", sequences=await sequences.all_sequences(),
                       trashed=await sequences.all_sequences(deleted=True), step_types=sequences.STEP_TYPES)


async def _page(request: Request, principal: CurrentPrincipal, sequence_id: int, cursor: int | None = None,
                errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    sequence = await sequences.get(sequence_id)
    rows, next_cursor = await sequences.enrolments(principal, sequence_id, 50, cursor)
    return render_page(request, "automation/sequence.html", status_code=status_code, sequence=sequence,
                       enrolments=rows, next_cursor=next_cursor, step_types=sequences.STEP_TYPES,
                       manage=await has_permission(principal, MANAGE), errors=errors or {})


@get("/sequences/{sequence_id:int}", name="automation-sequence", include_in_schema=False)
async def sequence_page(request: Request, principal: CurrentPrincipal, sequence_id: FromPath[int],
                        cursor: FromQuery[int | None] = None) -> Response:
    await require_permission(principal, VIEW)
    return await _page(request, principal, sequence_id, cursor)


@post("/sequences/{sequence_id:int}/enrol", name="automation-sequence-enrol", include_in_schema=False)
async def enrol_from_page(request: Request, principal: CurrentPrincipal, sequence_id: FromPath[int]) -> Response:
    await require_permission(principal, MANAGE)
    raw = ((await request.form()).get("contact_id") or "").strip()
    try:
        if not raw.isdecimal():
            raise Invalid({"contact_ids": "give the id of a contact"})
        await sequences.enrol(principal, sequence_id, [int(raw)])
    except Invalid as error:
        return await _page(request, principal, sequence_id, errors=error.errors, status_code=422)
    return Redirect(f"/automation/sequences/{sequence_id}", status_code=303)


HANDLERS = (sequences_page, sequence_page, enrol_from_page)
