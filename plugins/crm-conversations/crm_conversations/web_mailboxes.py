"""``/conversations/mailboxes``: the IMAP mailboxes, adding and removing one, "Sync now" with
the last sync's outcome, and the reconciliation of what each mailbox's syncs read against
what was imported."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_conversations import mailbox_sync, mailboxes, reconcile
from crm_platform.toolkit import CurrentPrincipal, Invalid, render_page


async def _page(request: Request, principal: Any, *, status_code: int = 200, errors: dict[str, str] | None = None,
                form: dict[str, str] | None = None, synced: dict[str, Any] | None = None) -> Response:
    return render_page(request, "conversations/mailboxes.html", status_code=status_code,
                       report=await reconcile.report(principal), errors=errors or {}, form=form or {},
                       synced=synced)


@get("/mailboxes", name="conversations-mailboxes", include_in_schema=False)
async def mailboxes_page(request: Request, principal: CurrentPrincipal) -> Response:
    return await _page(request, principal)


@post("/mailboxes", name="conversations-mailbox-add", include_in_schema=False)
async def add_mailbox(request: Request, principal: CurrentPrincipal) -> Response:
    form = {key: str(value) for key, value in (await request.form()).items() if key in mailboxes.FIELDS}
    try:
        await mailboxes.create(principal, form)
    except Invalid as exc:
        form.pop("password", None)
        return await _page(request, principal, status_code=422, errors=exc.errors, form=form)
    return Redirect("/conversations/mailboxes", status_code=303)


@post("/mailboxes/{mailbox_id:int}/sync", name="conversations-mailbox-sync", include_in_schema=False)
async def sync_now(request: Request, principal: CurrentPrincipal, mailbox_id: FromPath[int]) -> Response:
    """Sync while the user waits (the IMAP talk runs in a thread) and show what it did."""
    await mailboxes.get(principal, mailbox_id)
    outcome = await mailbox_sync.sync(mailbox_id)
    return await _page(request, principal, synced=outcome)


@post("/mailboxes/{mailbox_id:int}/delete", name="conversations-mailbox-delete", include_in_schema=False)
async def delete_mailbox(request: Request, principal: CurrentPrincipal, mailbox_id: FromPath[int]) -> Response:
    await mailboxes.delete(principal, mailbox_id)
    return Redirect("/conversations/mailboxes", status_code=303)


HANDLERS = [mailboxes_page, add_mailbox, sync_now, delete_mailbox]
