"""Bulk actions from the contacts and companies lists: the chosen rows or every row matching
the filters, in the request for a few and as a job (its progress in the toast) for many;
a bulk delete is undone from the toast."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_platform.bulk import service as bulk
from crm_platform.bulk.tables import BulkRun
from crm_platform.errors import Conflict, Forbidden, NotFound
from crm_platform.records import kinds
from crm_platform.trash import service as trash
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web.rendering import render_fragment
from crm_platform.web.undo import offer_bulk_undo, offer_notice

VERBS = {"owner": "Assigning", "stage": "Moving", "tag": "Tagging", "delete": "Deleting"}
DONE = {"owner": "Assigned {n} {plural}.", "stage": "Moved {n} {plural}.", "tag": "Tagged {n} {plural}.",
        "delete": "Deleted {n} {plural}."}


def _plural(key: str, count: int) -> str:
    kind = kinds.get(key)
    return (kind.label if count == 1 else kind.plural).lower()


def _summary(action: str, key: str, changed: int, skipped: int) -> str:
    text = DONE[action].format(n=f"{changed:,}", plural=_plural(key, changed))
    if skipped:
        text += f" {skipped:,} skipped (changed or removed meanwhile, or not yours to change)."
    return text


async def run(request: Request, principal: Principal, key: str, ids: list[int], action: str,
              params: dict[str, Any], back: str) -> Response:
    """Apply the action to ``ids``, or start the job that will, and go back to the list."""
    if len(ids) > bulk.INLINE_LIMIT:
        run_id = await bulk.start(principal, key, ids, action, params)
        offer_notice(request, f"{VERBS[action]} {len(ids):,} {_plural(key, len(ids))}…", f"/bulk/{run_id}")
        return Redirect(back, status_code=303)
    outcome = await bulk.apply(principal, key, ids, action, params)
    message = _summary(action, key, outcome.changed, outcome.skipped)
    if action == "delete" and outcome.trash_ids:
        inserted = await BulkRun.insert(BulkRun(
            user_id=principal.id, record_type=key, action=action, params="{}", record_ids=json.dumps(ids),
            total=len(ids), done=len(ids), changed=outcome.changed, trash_ids=json.dumps(outcome.trash_ids),
            state="done",
        ))
        offer_bulk_undo(request, inserted[0]["id"], message)
    else:
        offer_notice(request, message)
    return Redirect(back, status_code=303)


async def _own_run(principal: Principal, run_id: int) -> dict[str, Any]:
    found = await bulk.load(run_id)
    if found is None:
        raise NotFound("bulk action", run_id)
    if found["user_id"] != principal.id:
        raise Forbidden("only who started a bulk action follows or undoes it")
    return found


@get("/bulk/{run_id:int}", include_in_schema=False)
async def progress(request: Request, principal: CurrentPrincipal, run_id: FromPath[int]) -> Response:
    found = await _own_run(principal, run_id)
    skipped = found["done"] - found["changed"]
    return render_fragment(
        request, "bulk/_progress.html", run=found, verb=VERBS[found["action"]],
        plural=_plural(found["record_type"], found["total"]),
        summary=_summary(found["action"], found["record_type"], found["changed"], skipped),
    )


@post("/bulk/{run_id:int}/undo", include_in_schema=False)
async def undo(request: Request, principal: CurrentPrincipal, run_id: FromPath[int]) -> Response:
    """Restore what the bulk delete moved to the trash; what was restored or purged since is skipped."""
    found = await _own_run(principal, run_id)
    restored = 0
    for trash_id in found["trash_ids"]:
        try:
            await trash.restore(principal, trash_id)
        except (NotFound, Forbidden, Conflict):
            continue
        restored += 1
    await BulkRun.update({BulkRun.trash_ids: "[]"}).where(BulkRun.id == run_id)
    offer_notice(request, f"Restored {restored:,} {_plural(found['record_type'], restored)}.")
    kind = kinds.get(found["record_type"])
    return Redirect("/" + kind.url.strip("/").split("/")[0], status_code=303)


HANDLERS = [progress, undo]
