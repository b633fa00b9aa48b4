"""The import pages: the list of runs, an upload, the run's page (mapping, dry-run table,
progress, ledger lookup, the ledger as CSV, rollback with a confirmation)."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path
from typing import Any

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream

from crm_platform.errors import Invalid
from crm_platform.imports import ledger, presets, runs, service
from crm_platform.records import kinds
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import forms
from crm_platform.web.rendering import is_htmx, render_fragment, render_page

OUTCOMES = ("create", "update", "skip", "error")
MODE_LABELS = {"create_and_update": "Create new records and update matched ones", "create_only": "Create only (skip matched rows)",
               "update_only": "Update only (skip rows that match nothing)"}
UPDATE_MODE_LABELS = {"overwrite": "Overwrite fields with the file's values", "fill_empty": "Fill empty fields only"}
BUSY = ("planning", "committing", "rolling_back")
# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD = 64 * 1024


def _kind_choices() -> list[tuple[str, str]]:
    return [(key, kind.plural or kind.label) for key, kind in kinds.active().items() if key != "activity"]


@get("/imports", include_in_schema=False)
async def import_list(request: Request, principal: CurrentPrincipal, before: FromQuery[int | None] = None) -> Response:
    items, next_before = await runs.list_for(principal, before)
    return render_page(request, "imports/list.html", items=items, next_before=next_before)


@get("/imports/new", include_in_schema=False)
async def new_import(request: Request, principal: CurrentPrincipal, kind: FromQuery[str] = "contact") -> Response:
    """``?kind=`` chooses the kind at once (a plugin's page links here for its records)."""
    choices = _kind_choices()
    chosen = kind if kind in dict(choices) else "contact"
    return render_page(request, "imports/new.html", kind_choices=choices, values={"kind": chosen}, errors={})


def _save(upload: UploadFile, destination: Path) -> int:
    upload.file.seek(0)
    with destination.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1024 * 1024)
    return destination.stat().st_size


def upload_handler(max_bytes: int) -> Any:
    @post("/imports", include_in_schema=False, request_max_body_size=max_bytes + FORM_OVERHEAD)
    async def upload_import(request: Request, principal: CurrentPrincipal) -> Response:
        form = await request.form()
        upload = form.get("file")
        kind = str(form.get("kind") or "contact")
        errors: dict[str, str] = {}
        if not isinstance(upload, UploadFile) or not upload.filename:
            errors["file"] = "choose a CSV file to upload"
        else:
            suffix = Path(upload.filename).suffix.lower()[:10]
            destination = service.upload_folder() / f"{uuid.uuid4().hex}{suffix}"
            size = await asyncio.to_thread(_save, upload, destination)
            try:
                run_id = await service.start(principal, destination, Path(upload.filename).name, kind, size)
            except Invalid as exc:
                destination.unlink(missing_ok=True)
                errors = dict(exc.errors)
            else:
                return Redirect(f"/imports/{run_id}", status_code=303)
        return render_page(request, "imports/new.html", status_code=422, kind_choices=_kind_choices(),
                           values={"kind": kind}, errors=errors)

    return upload_import


async def _run_page(request: Request, principal: Any, run_id: int, *, errors: dict[str, str] | None = None,
                    outcome: str = "", after: int = 0, q: str = "", status_code: int = 200) -> Response:
    run = await runs.get(principal, run_id)
    committed = run["status"] in ("committing", "committed", "rolling_back", "rolled_back")
    resumable = run["status"] == "failed" and await runs.commit_started(run_id)
    phase = "commit" if committed or resumable else "dry"
    fields = await service.fields_of(run["kind"])
    rows, next_after = ([], None)
    if run["status"] not in ("mapping", "planning") or run["planned"]:
        rows, next_after = await ledger.page(run_id, phase, outcome if outcome in OUTCOMES else "", after)
    found = await ledger.lookup(run_id, phase, q) if q.strip() else None
    return render_page(
        request, "imports/run.html", status_code=status_code, run=run, phase=phase, fields=fields, rows=rows,
        next_after=next_after, outcome=outcome, q=q, found=found, errors=errors or {}, busy=run["status"] in BUSY,
        resumable=resumable, mode_labels=MODE_LABELS, update_mode_labels=UPDATE_MODE_LABELS,
        preset=presets.by_key(run["preset"]) if run["preset"] else None,
        kind_label=kinds.get(run["kind"], "kind").label,
    )


@get("/imports/{run_id:int}", include_in_schema=False)
async def import_page(request: Request, principal: CurrentPrincipal, run_id: FromPath[int],
                      outcome: FromQuery[str] = "", after: FromQuery[int] = 0, q: FromQuery[str] = "") -> Response:
    return await _run_page(request, principal, run_id, outcome=outcome, after=after, q=q)


@get("/imports/{run_id:int}/progress", include_in_schema=False)
async def import_progress(request: Request, principal: CurrentPrincipal, run_id: FromPath[int],
                          status: FromQuery[str] = "") -> Response:
    run = await runs.get(principal, run_id)
    if status and run["status"] != status and is_htmx(request):
        # The step is over: the whole page changes (totals, table, buttons).
        return Response("", headers={"HX-Refresh": "true"})
    return render_fragment(request, "imports/_progress.html", run=run, busy=run["status"] in BUSY)


@post("/imports/{run_id:int}/mapping", include_in_schema=False)
async def save_mapping(request: Request, principal: CurrentPrincipal, run_id: FromPath[int]) -> Response:
    values = await forms.form_data(request)
    run = await runs.get(principal, run_id)
    chosen = {column: str(values.get(f"map.{index}") or "") for index, column in enumerate(run["columns"])}
    try:
        await service.set_mapping(principal, run_id, chosen, str(values.get("match_key") or ""),
                                  str(values.get("source") or ""), str(values.get("mode") or "create_and_update"),
                                  str(values.get("update_mode") or "overwrite"))
        await service.launch(principal, run_id, "dry")
    except Invalid as exc:
        return await _run_page(request, principal, run_id, errors=dict(exc.errors), status_code=422)
    return Redirect(f"/imports/{run_id}", status_code=303)


async def _launch(request: Request, principal: Principal, run_id: int, phase: str) -> Response:
    """Start ``phase`` of the run and go back to its page, or show the page with why not."""
    await forms.form_data(request)
    try:
        await service.launch(principal, run_id, phase)
    except Invalid as exc:
        return await _run_page(request, principal, run_id, errors=dict(exc.errors), status_code=422)
    return Redirect(f"/imports/{run_id}", status_code=303)


@post("/imports/{run_id:int}/commit", include_in_schema=False)
async def commit_import(request: Request, principal: CurrentPrincipal, run_id: FromPath[int]) -> Response:
    return await _launch(request, principal, run_id, "commit")


@get("/imports/{run_id:int}/rollback", include_in_schema=False)
async def confirm_rollback(request: Request, principal: CurrentPrincipal, run_id: FromPath[int]) -> Response:
    run = await runs.get(principal, run_id)
    return render_page(request, "imports/rollback.html", run=run, kind_label=kinds.get(run["kind"], "kind").label)


@post("/imports/{run_id:int}/rollback", include_in_schema=False)
async def rollback_import(request: Request, principal: CurrentPrincipal, run_id: FromPath[int]) -> Response:
    return await _launch(request, principal, run_id, "rollback")


@get("/imports/{run_id:int}/ledger.csv", include_in_schema=False)
async def ledger_csv(principal: CurrentPrincipal, run_id: FromPath[int], phase: FromQuery[str] = "") -> Stream:
    run = await runs.get(principal, run_id)
    phase = phase if phase in ("dry", "commit") else ("dry" if run["status"] in ("mapping", "planned") else "commit")
    return Stream(
        ledger.as_csv(run_id, phase), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{run_id}-{phase}.csv"'},
    )


def handlers(max_bytes: int) -> list[Any]:
    return [import_list, new_import, upload_handler(max_bytes), import_page, import_progress, save_mapping,
            commit_import, confirm_rollback, rollback_import, ledger_csv]
