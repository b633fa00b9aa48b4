"""The duplicates page, the side-by-side merge form, the toast with its undo, and a record's
possible duplicates and merge history (loaded into the record page by htmx)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_platform.contacts import duplicates, quality
from crm_platform.errors import Conflict, CrmError, Invalid
from crm_platform.merges import fields, finder, queue, scan, service, undo
from crm_platform.merges.api import ensure_may_scan
from crm_platform.records import kinds, pipeline
from crm_platform.records.reads import announce_read
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import forms, lookups
from crm_platform.web.rendering import is_htmx, render_fragment, render_page

LIST_SIZE = 100


def _kind(kind: str) -> Any:
    try:
        return service.mergeable(kind)
    except Invalid as exc:
        raise CrmError(exc.errors["kind"]) from exc


@get("/duplicates", include_in_schema=False)
async def duplicates_page(request: Request, principal: CurrentPrincipal, kind: FromQuery[str] = "contact",
                          cursor: FromQuery[str] = "") -> Response:
    """The review queue of the last scan, a page at a time; before any scan, the pairs found
    now among the first records."""
    record_kind = _kind(kind)
    last = await queue.last_scan(kind)
    queued, next_cursor, pairs = [], None, []
    if last is not None:
        try:
            queued, next_cursor = await queue.page(principal, kind, cursor, LIST_SIZE)
        except Invalid as exc:
            raise CrmError(exc.errors["cursor"]) from exc
    else:
        pairs = await finder.pairs(principal, kind, LIST_SIZE)
    return render_page(request, "merges/duplicates.html", kind=kind, kind_label=record_kind.plural, pairs=pairs,
                       last=last, queued=queued, next_cursor=next_cursor, cursor=cursor,
                       may_scan=principal.sees_everything)


@post("/duplicates/scan", include_in_schema=False)
async def scan_submit(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    kind = str(values.get("kind") or "contact")
    _kind(kind)
    ensure_may_scan(principal)
    await scan.start(kind, principal.id)
    return Redirect(f"/duplicates?kind={kind}", status_code=303)


@post("/duplicates/pairs/{pair_id:int}/dismiss", include_in_schema=False)
async def dismiss_submit(request: Request, principal: CurrentPrincipal, pair_id: FromPath[int]) -> Response:
    await forms.form_data(request)
    pair = await queue.dismiss(principal, pair_id)
    if is_htmx(request):
        return Response("", media_type="text/html")  # the row is swapped out
    return Redirect(f"/duplicates?kind={pair['kind']}", status_code=303)


def _shown(name: str, value: Any, owners: dict[int, str]) -> str:
    if name == "owner":
        return owners.get(value, "nobody") if value is not None else "nobody"
    if isinstance(value, list):
        return ", ".join(str(item.get("address") or item.get("number")) if isinstance(item, dict) else str(item)
                         for item in value) or "—"
    return "—" if value in (None, "") else str(value)


async def _form(
    request: Request, principal: Any, kind: str, survivor_id: int, other_id: int, *,
    choices: dict[str, str] | None = None, error: str = "", errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    record_kind = _kind(kind)
    survivor = await pipeline.read_one(principal, kind, survivor_id, "write")
    other = await pipeline.read_one(principal, kind, other_id, "write")
    owners = lookups.names_by_id(await lookups.active_users())
    # What the user is shown may be masked by plugins; the choices compare the stored values.
    shown = [{**record, "custom": dict(record.get("custom") or {})} for record in (survivor, other)]
    if kind == "contact":
        await announce_read(principal, kind, shown, "page", request)
    rows = []
    for name in fields.field_names(kind, survivor, other):
        mine, theirs = fields.value_of(survivor, name), fields.value_of(other, name)
        rows.append({
            "name": name, "label": name.removeprefix("custom.").replace("_", " ").capitalize(),
            "mine": _shown(name, fields.value_of(shown[0], name), owners),
            "theirs": _shown(name, fields.value_of(shown[1], name), owners),
            "same": mine == theirs, "is_list": name in fields.LISTS,
            "choice": (choices or {}).get(name) or fields.default_choice(name, survivor, other),
        })
    return render_page(
        request, "merges/form.html", status_code=status_code, kind=kind, kind_label=record_kind.label,
        survivor=survivor, other=other, title=record_kind.title_column, rows=rows, error=error,
        errors=errors or {},
    )


@get("/merge/{kind:str}/{survivor_id:int}/{other_id:int}", include_in_schema=False)
async def merge_form(
    request: Request, principal: CurrentPrincipal, kind: FromPath[str], survivor_id: FromPath[int],
    other_id: FromPath[int],
) -> Response:
    return await _form(request, principal, kind, survivor_id, other_id)


@post("/merge/{kind:str}/{survivor_id:int}/{other_id:int}", include_in_schema=False)
async def merge_submit(
    request: Request, principal: CurrentPrincipal, kind: FromPath[str], survivor_id: FromPath[int],
    other_id: FromPath[int],
) -> Response:
    values = await forms.form_data(request)
    choices = {
        key.removeprefix("choice."): forms.text(values, key, 20) for key in values if key.startswith("choice.")
    }
    try:
        result = await service.merge(principal, kind, survivor_id, other_id, choices)
    except Invalid as exc:
        return await _form(request, principal, kind, survivor_id, other_id, choices=choices,
                           error="Nothing was merged: some values do not fit.", errors=forms.field_errors(exc),
                           status_code=422)
    except Conflict as exc:
        return await _form(request, principal, kind, survivor_id, other_id, choices=choices, error=exc.message,
                           status_code=409)
    record_kind = kinds.get(kind)
    survivor = await pipeline.read_one(principal, kind, survivor_id)
    return render_page(request, "merges/done.html", kind_label=record_kind.label, merge_id=result.merge_id,
                       survivor=survivor, title=survivor[record_kind.title_column],
                       survivor_url=kinds.page_url(record_kind, survivor_id), moved=result.moved)


@post("/merges/{merge_id:int}/undo", include_in_schema=False)
async def undo_submit(request: Request, principal: CurrentPrincipal, merge_id: FromPath[int]) -> Response:
    try:
        result = await undo.undo(principal, merge_id)
    except Conflict as exc:
        entry = await undo.journal_entry(principal, merge_id)
        return render_page(request, "merges/blocked.html", status_code=409, entry=entry,
                           reasons=exc.extra.get("reasons") or [exc.message],
                           survivor_url=kinds.page_url(kinds.get(entry["kind"]), entry["survivor_id"]))
    record_kind = kinds.get(result.kind)
    url = kinds.page_url(record_kind, result.merged_id)
    if not result.not_restored:
        return Redirect(url, status_code=303)
    return render_page(request, "merges/undone.html", url=url, notes=result.not_restored,
                       kind_label=record_kind.label)


@get("/merges/for/{kind:str}/{record_id:int}", include_in_schema=False)
async def record_merges(
    request: Request, principal: CurrentPrincipal, kind: FromPath[str], record_id: FromPath[int]
) -> Response:
    """A record's possible duplicates (contacts) and merge history, for its page."""
    _kind(kind)
    history = await undo.history(principal, kind, record_id)
    entries = [{**entry, "blocked": await undo.blockers(principal, entry)} for entry in history]
    title = kinds.get(kind).title_column
    candidates = await duplicates.candidates(principal, record_id) if kind == "contact" else []
    return render_fragment(request, "merges/_record.html", kind=kind, record_id=record_id, entries=entries,
                           candidates=candidates, title=title)


HANDLERS = [duplicates_page, scan_submit, dismiss_submit, merge_form, merge_submit, undo_submit, record_merges]


@get("/data-quality", include_in_schema=False)
async def data_quality_page(request: Request, principal: CurrentPrincipal) -> Response:
    """Counts of the visible contacts that lack something, hold what validation would refuse,
    or wait in the duplicate queue."""
    return render_page(request, "merges/quality.html", counts=await quality.counts(principal))


HANDLERS.append(data_quality_page)
