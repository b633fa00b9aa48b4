"""The segment pages: the segments with a form to save one, a segment's members (a keyset
page, as the user sees them) and their CSV export."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_automation import segments
from crm_automation.api import MANAGE, VIEW
from crm_platform.toolkit import (
    CurrentPrincipal,
    Invalid,
    csv_document,
    has_permission,
    list_records,
    record_kinds,
    render_page,
    require_permission,
)

EXPORT_PAGE = 200


def title_of(record: dict[str, Any]) -> str:
    return str(record.get("display_name") or record.get("title") or record.get("name") or record.get("subject")
               or f"#{record['id']}")


def data_from(form: Any) -> dict[str, Any]:
    """A segment from the page's form: ``equals`` as ``field=value`` lines, ``custom`` as
    ``key:operator:value`` lines."""
    equals = {}
    for line in (form.get("equals") or "").splitlines():
        name, _, value = line.partition("=")
        if name.strip():
            equals[name.strip()] = value.strip()
    custom = [line.strip() for line in (form.get("custom") or "").splitlines() if line.strip()]
    dynamic = form.get("dynamic", "true") != "false"
    filters = {"tag": (form.get("tag") or "").strip() or None, "equals": equals, "custom": custom} if dynamic else {}
    return {"name": form.get("name") or "", "kind": form.get("kind") or "contact", "dynamic": dynamic,
            "filters": filters}


async def _list(request: Request, principal: Any, *, form: dict[str, Any] | None = None,
                errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render_page(request, "automation/segments.html", status_code=status_code,
                       segments=await segments.all_segments(), manage=await has_permission(principal, MANAGE),
                       kinds=[(kind.key, kind.label) for kind in record_kinds()], form=form or {}, errors=errors or {})


@get("/segments", name="automation-segments", include_in_schema=False)
async def segments_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, VIEW)
    return await _list(request, principal)


@post("/segments", name="automation-segment-create", include_in_schema=False)
async def create_from_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, MANAGE)
    form = await request.form()
    try:
        segment = await segments.create(principal, data_from(form))
    except Invalid as error:
        return await _list(request, principal, form=dict(form), errors=error.errors, status_code=422)
    return Redirect(f"/automation/segments/{segment['id']}", status_code=303)


@get("/segments/{segment_id:int}", name="automation-segment", include_in_schema=False)
async def segment_page(request: Request, principal: CurrentPrincipal, segment_id: FromPath[int],
                       cursor: FromQuery[str | None] = None) -> Response:
    await require_permission(principal, VIEW)
    segment = await segments.get(principal, segment_id)
    _, rows, next_cursor = await segments.members(principal, segment_id, limit=50, cursor=cursor)
    return render_page(request, "automation/segment.html", segment=segment, next_cursor=next_cursor,
                       members=[{"id": row["id"], "title": title_of(row)} for row in rows])


@get("/segments/{segment_id:int}/export.csv", name="automation-segment-export", include_in_schema=False)
async def export(principal: CurrentPrincipal, segment_id: FromPath[int]) -> Response:
    """Every member the user sees, a page at a time."""
    await require_permission(principal, VIEW)
    segment = await segments.load(segment_id)
    filters = segments.record_filter(segment)
    rows: list[list[Any]] = []
    cursor: str | None = None
    while True:
        page, cursor = await list_records(principal, segment["kind"], filters, limit=EXPORT_PAGE, cursor=cursor)
        rows += [[row["id"], title_of(row), row.get("primary_email") or "", row.get("owner") or ""] for row in page]
        if cursor is None:
            break
    safe_name = "".join(ch if ch.isalnum() else "-" for ch in segment["name"]).strip("-") or "segment"
    return Response(csv_document(["id", "name", "email", "owner"], rows), media_type="text/csv",
                    headers={"content-disposition": f'attachment; filename="{safe_name}.csv"'})


HANDLERS = (segments_page, create_from_page, segment_page, export)
