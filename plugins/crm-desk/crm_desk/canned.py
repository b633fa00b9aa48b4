"""Canned replies: texts agents reuse, with placeholders such as ``{{ contact.given_name }}``.

They are rendered in Jinja's immutable sandbox from plain values only, so a reply text an admin
writes can read the ticket's names but call nothing and change nothing."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import Conflict, Invalid, NotFound, execute, fetch, get_record, get_records
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from crm_desk import tickets
from crm_desk.tables import BODY_LENGTH

TITLE_LENGTH = 100
ENVIRONMENT = ImmutableSandboxedEnvironment(autoescape=False, keep_trailing_newline=True)


def _compile(body: str):
    try:
        return ENVIRONMENT.from_string(body)
    except TemplateSyntaxError as exc:
        raise Invalid({"body": f"the placeholders cannot be read: {exc.message} (line {exc.lineno})"}) from None


async def list_all() -> list[dict[str, Any]]:
    return await fetch("SELECT id, title, body FROM desk_canned_reply WHERE active = {} ORDER BY title, id", True)


async def add(principal: Principal, title: Any, body: Any) -> dict[str, Any]:
    errors = {}
    title = " ".join(str(title or "").split())
    body = str(body or "").strip()
    if not title or len(title) > TITLE_LENGTH:
        errors["title"] = f"must be 1 to {TITLE_LENGTH} characters"
    if not body or len(body) > BODY_LENGTH:
        errors["body"] = f"must be 1 to {BODY_LENGTH} characters"
    if errors:
        raise Invalid(errors)
    _compile(body)
    if await fetch("SELECT id FROM desk_canned_reply WHERE title = {}", title):
        raise Conflict(f"a canned reply is already called {title!r}")
    [row] = await execute(
        "INSERT INTO desk_canned_reply (title, body, active) VALUES ({}, {}, {}) RETURNING id", title, body, True
    )
    return {"id": row["id"], "title": title, "body": body}


async def context_for(principal: Principal, ticket: dict[str, Any]) -> dict[str, Any]:
    """What placeholders may name: the requester's names only if the agent may see them."""
    contact = {}
    if ticket["requester_id"] is not None:
        contact = (await get_records(principal, "contact", [ticket["requester_id"]])).get(ticket["requester_id"], {})
    return {
        "contact": {name: contact.get(name) or "" for name in ("given_name", "family_name", "display_name")},
        "ticket": {"number": f"#{ticket['id']}", "subject": ticket["subject"], "status": ticket["status"]},
        "agent": {"display_name": principal.display_name, "email": principal.email},
    }


def render(body: str, context: dict[str, Any]) -> str:
    try:
        return _compile(body).render(context)
    except SecurityError as exc:
        raise Invalid({"body": f"the reply does something a placeholder may not: {exc}"}) from None


async def render_for(principal: Principal, canned_id: int, ticket_id: int) -> str:
    rows = await fetch("SELECT body FROM desk_canned_reply WHERE id = {}", canned_id)
    if not rows:
        raise NotFound("desk.canned_reply", canned_id)
    ticket = await get_record(principal, tickets.KIND_KEY, ticket_id)
    return render(rows[0]["body"], await context_for(principal, ticket))
