"""The "Deleted … Undo" toast: a delete leaves a note in the session, and the next full page
shows it once, with a button that restores the record from the trash."""

from __future__ import annotations

from typing import Any

from litestar import Request

SESSION_UNDO_KEY = "undo"


def offer_undo(request: Request, trash_id: int, message: str) -> None:
    """Show ``message`` with an Undo button on the next page the user sees; call it in the
    handler that deleted a record (``trash_id`` is what ``delete_record`` returned) before
    redirecting.

    Example::

        trash_id = await delete_record(principal, "vet.pet", pet_id)
        offer_undo(request, trash_id, f"Deleted {pet['name']}.")
        return Redirect("/vet/pets", status_code=303)
    """
    session = dict(request.scope.get("session") or {})
    session[SESSION_UNDO_KEY] = {"trash_id": int(trash_id), "message": str(message)[:300]}
    request.set_session(session)


def offer_bulk_undo(request: Request, run_id: int, message: str) -> None:
    """Like :func:`offer_undo` for the records one bulk delete moved to the trash: the Undo
    button restores them all."""
    session = dict(request.scope.get("session") or {})
    session[SESSION_UNDO_KEY] = {"restore_url": f"/bulk/{int(run_id)}/undo", "message": str(message)[:300]}
    request.set_session(session)


def offer_notice(request: Request, message: str, progress_url: str = "") -> None:
    """Show ``message`` in the toast of the next page the user sees (no Undo button); with
    ``progress_url``, the toast follows a background job's progress from that fragment."""
    session = dict(request.scope.get("session") or {})
    session[SESSION_UNDO_KEY] = {"message": str(message)[:300], "progress_url": progress_url}
    request.set_session(session)


def take_undo(request: Request) -> dict[str, Any] | None:
    """The waiting note, removed from the session so it shows once; htmx fragments leave it."""
    session = request.scope.get("session") or {}
    if request.headers.get("hx-request") == "true" or SESSION_UNDO_KEY not in session:
        return None
    session = dict(session)
    note = session.pop(SESSION_UNDO_KEY)
    request.set_session(session)
    return note if isinstance(note, dict) else None
