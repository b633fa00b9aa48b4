"""The conversations pages under ``/conversations/``: import, "why isn't this email here?",
the unknown-sender queue, a message (its HTML in a sandboxed frame) and a thread."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_conversations import unknown
from crm_conversations.sources import formats
from crm_conversations.threading import reply_tree
from crm_platform.toolkit import (
    CurrentPrincipal,
    NotFound,
    add_identities,
    contacts_by_identity,
    fetch,
    get_record,
    get_records,
    import_ledger,
    normalise_identity,
    remove_identity,
    render_page,
    visibility_sql,
)

KIND = "conversations.message"
FOUND_LIMIT = 50


async def visible_messages(principal: Any, condition: str, *args: Any, limit: int = FOUND_LIMIT) -> list[dict]:
    conditions, visibility_args = await visibility_sql(principal, KIND)
    where = " AND ".join([condition, *conditions])
    return await fetch(
        "SELECT id, message_id, subject, sender, sender_name, sent_at, direction, contact_ids, thread, channel "
        f"FROM conversations_message WHERE {where} ORDER BY sent_at DESC, id DESC LIMIT {int(limit)}",
        *args, *visibility_args,
    )


def _contact_ids(message: dict[str, Any]) -> list[int]:
    value = message.get("contact_ids") or []
    return json.loads(value) if isinstance(value, str) else list(value)


async def _names(principal: Any, messages: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    ids = sorted({contact for message in messages for contact in _contact_ids(message)})
    return await get_records(principal, "contact", ids) if ids else {}


@get("/", name="conversations-home", include_in_schema=False)
async def home(request: Request, principal: CurrentPrincipal, q: FromQuery[str] = "") -> Response:
    """Find a message by its Message-ID, sender or subject: kept (and linked to whom), or the
    ledger's word on why it was skipped or failed."""
    text = q.strip()[:200]
    found: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    if text:
        pattern = "%" + text.lower().replace("%", "").replace("_", "") + "%"
        found = await visible_messages(
            principal, "(lower(message_id) LIKE {} OR lower(sender) LIKE {} OR lower(subject) LIKE {})",
            pattern, pattern, pattern)
        ledger = [row for row in await import_ledger(principal, text=text, formats=formats.KEYS, limit=FOUND_LIMIT)
                  if row["outcome"] != "create"]
    else:
        found = await visible_messages(principal, "1 = 1", limit=20)
    return render_page(
        request, "conversations/home.html", q=text, found=found, ledger=ledger,
        contacts=await _names(principal, found), queue=await unknown.queue(principal, 20),
        contact_ids=_contact_ids,
    )


@get("/unknown", name="conversations-unknown", include_in_schema=False)
async def unknown_page(request: Request, principal: CurrentPrincipal) -> Response:
    return render_page(request, "conversations/unknown.html", queue=await unknown.queue(principal, 200))


@post("/unknown/{entry_id:int}/create", name="conversations-unknown-create", include_in_schema=False)
async def create_contact(request: Request, principal: CurrentPrincipal, entry_id: FromPath[int]) -> Response:
    contact_id = await unknown.resolve(principal, entry_id)
    return Redirect(f"/contacts/{contact_id}", status_code=303)


@post("/unknown/{entry_id:int}/link", name="conversations-unknown-link", include_in_schema=False)
async def link_contact(request: Request, principal: CurrentPrincipal, entry_id: FromPath[int]) -> Response:
    form = await request.form()
    target = str(form.get("target") or "")
    kind, _, raw_id = target.partition(":")
    if kind != "contact" or not raw_id.isdecimal():
        queue = await unknown.queue(principal, 200)
        return render_page(request, "conversations/unknown.html", queue=queue, status_code=422,
                           errors={entry_id: "choose the contact to link this sender to"})
    contact_id = await unknown.resolve(principal, entry_id, int(raw_id))
    return Redirect(f"/contacts/{contact_id}", status_code=303)


async def _message(principal: Any, message_id: int) -> dict[str, Any]:
    message = await get_record(principal, KIND, message_id)
    message["attachment_list"] = json.loads(message["attachments"]) if message.get("attachments") else []
    return message


@get("/messages/{message_id:int}", name="conversations-message", include_in_schema=False)
async def message_page(request: Request, principal: CurrentPrincipal, message_id: FromPath[int]) -> Response:
    message = await _message(principal, message_id)
    contacts = await _names(principal, [message])
    return render_page(request, "conversations/message.html", message=message, contacts=contacts,
                       contact_ids=_contact_ids(message))


@get("/messages/{message_id:int}/html", name="conversations-message-html", include_in_schema=False)
async def message_html(principal: CurrentPrincipal, message_id: FromPath[int]) -> Response:
    """The message's sanitised HTML as a document of its own, for the page's sandboxed frame:
    no script runs, nothing is fetched from elsewhere, forms and navigation are off."""
    message = await _message(principal, message_id)
    return Response(
        content=message.get("body_html") or "", media_type="text/html",
        headers={"Content-Security-Policy": "sandbox; default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'",
                 "X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN"},
    )


@get("/threads/{thread_id:int}", name="conversations-thread", include_in_schema=False)
async def thread_page(request: Request, principal: CurrentPrincipal, thread_id: FromPath[int]) -> Response:
    rows = await fetch("SELECT id, subject, channel FROM conversations_thread WHERE id = {}", thread_id)
    if not rows:
        raise NotFound("conversation", thread_id)
    messages = await visible_messages(principal, "thread = {}", thread_id, limit=500)
    if not messages:
        raise NotFound("conversation", thread_id)
    detail = {row["id"]: row for row in await fetch(
        f"SELECT id, in_reply_to, refs, body_text FROM conversations_message WHERE thread = {{}} "
        f"AND id IN ({', '.join('{}' for _ in messages)})", thread_id, *[m["id"] for m in messages])}
    for message in messages:
        message.update(detail.get(message["id"], {}))
    return render_page(request, "conversations/thread.html", thread=rows[0], tree=reply_tree(messages),
                       contacts=await _names(principal, messages), contact_ids=_contact_ids)


async def _identity_form(request: Request) -> tuple[str, str, str]:
    form = await request.form()
    return (str(form.get("kind") or ""), str(form.get("network") or "").strip(), str(form.get("value") or "").strip())


@post("/contacts/{contact_id:int}/identities", name="conversations-identity-add", include_in_schema=False)
async def add_identity(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    """Give the contact an address, number or handle; one another contact has is refused."""
    await get_record(principal, "contact", contact_id, "write")
    kind, network, value = await _identity_form(request)
    identity = normalise_identity(kind, value, network) if kind in ("email", "phone", "handle") else None
    problem = "choose email, phone or handle" if kind not in ("email", "phone", "handle") else ""
    if not problem and identity is None:
        what = {"email": "an email address", "phone": "a phone number", "handle": "a handle with its network"}[kind]
        problem = f"{value[:100]!r} is not {what}"
    if identity is not None and (await contacts_by_identity([identity])).get(identity, contact_id) != contact_id:
        problem = f"{identity.value} belongs to another contact"
    if problem or identity is None:
        return render_page(request, "conversations/identity_error.html", status_code=422, message=problem,
                           contact_id=contact_id)
    await add_identities(contact_id, [identity])
    return Redirect(f"/contacts/{contact_id}", status_code=303)


@post("/contacts/{contact_id:int}/identities/remove", name="conversations-identity-remove", include_in_schema=False)
async def remove_identity_page(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    await get_record(principal, "contact", contact_id, "write")
    kind, network, value = await _identity_form(request)
    identity = normalise_identity(kind, value, network) if kind in ("email", "phone", "handle") else None
    if identity is not None:
        await remove_identity(contact_id, identity)
    return Redirect(f"/contacts/{contact_id}", status_code=303)


HANDLERS = [add_identity, remove_identity_page, home, unknown_page, create_contact, link_contact, message_page, message_html, thread_page]
