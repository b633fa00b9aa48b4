"""Pages for customers, who do not sign in: the web form that opens a ticket, and each ticket's
status page behind its unguessable link, where the customer follows the conversation, answers,
and rates the help once the ticket is solved.

Visitors are limited per address, a honeypot field catches simple bots, every field has a size
limit, and the forms carry the CSRF token like every other form."""

from __future__ import annotations

import hmac
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import (
    Invalid,
    attempt_limiter,
    execute,
    fetch,
    list_users,
    principal_for,
    render_page,
    unit_of_work,
)
from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from crm_desk import conversation, customers, requesters
from crm_desk.tables import SUBJECT_LENGTH

FORM_LIMIT = 5  # tickets per visitor address per window
FORM_WINDOW_SECONDS = 600
REPLY_LIMIT = 20
MAX_DESCRIPTION = 10_000
MAX_COMMENT = 2_000
HONEYPOT = "website"
MAX_FORM_BYTES = 64 * 1024


async def intake_user() -> Principal:
    """Whom customers' tickets are written as: the first admin (as the CLI acts)."""
    admins = [user for user in await list_users() if user["role"] == "admin"]
    principal = await principal_for(admins[0]["id"]) if admins else None
    if principal is None:
        raise NotFoundException("the desk takes no tickets until it has an admin")
    return principal


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _form(request: Request) -> dict[str, str]:
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        raise Invalid({"form": f"the form is larger than {MAX_FORM_BYTES // 1024} KiB"})
    form = await request.form()
    return {key: str(form.get(key) or "") for key in form}


def _check_new(values: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    subject = " ".join(values.get("subject", "").split())
    if not subject:
        errors["subject"] = "Say in a few words what it is about."
    elif len(subject) > SUBJECT_LENGTH:
        errors["subject"] = f"At most {SUBJECT_LENGTH} characters, please."
    description = values.get("description", "").strip()
    if not description:
        errors["description"] = "Tell us what happened."
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"At most {MAX_DESCRIPTION} characters, please ({len(description)} now)."
    try:
        requesters.normalised_email(values.get("email", ""), "email")
    except Invalid:
        errors["email"] = "An email address we can answer you at, please."
    if len(values.get("name", "")) > 200:
        errors["name"] = "At most 200 characters, please."
    return errors


@get("/public/new", name="desk-public-new", include_in_schema=False)
async def new_ticket_form(request: Request) -> Response:
    return render_page(request, "desk/public_new.html", values={}, errors={})


@post("/public/new", name="desk-public-create", include_in_schema=False)
async def create_ticket_from_form(request: Request) -> Response:
    limiter = attempt_limiter("desk-web-form", FORM_LIMIT, FORM_WINDOW_SECONDS)
    address = _address(request)
    if await limiter.blocked(address):
        return render_page(request, "desk/public_new.html", status_code=429, values={}, errors={
            "form": "You have sent several requests just now. Wait a few minutes and try again."})
    try:
        values = await _form(request)
    except Invalid as exc:
        return render_page(request, "desk/public_new.html", status_code=413, values={}, errors=exc.errors)
    await limiter.failed(address)
    if values.get(HONEYPOT):
        # Bots fill every field; people never see this one. Answer as if it worked.
        return render_page(request, "desk/public_thanks.html", link=None)
    errors = _check_new(values)
    if errors:
        return render_page(request, "desk/public_new.html", status_code=422, values=values, errors=errors)
    principal = await intake_user()
    async with unit_of_work():
        ticket_id = await customers.open_from_customer(
            principal, values["email"].strip(), values.get("name", ""), values["subject"],
            values["description"].strip(), "", "web",
        )
    [row] = await fetch("SELECT public_token FROM desk_ticket WHERE id = {}", ticket_id)
    return Redirect(f"/desk/public/t/{row['public_token']}", status_code=303)


async def _ticket_for(token: str) -> dict[str, Any]:
    rows = await fetch(
        "SELECT id, subject, status, public_token, csat_score, csat_comment, requester_id, company_id, solved_at, "
        "created_at FROM desk_ticket WHERE public_token = {}",
        token,
    ) if 20 <= len(token) <= 64 else []
    # Compared in constant time, so the answer's timing tells nothing about a guessed token.
    if not rows or not hmac.compare_digest(rows[0]["public_token"], token):
        raise NotFoundException("no such ticket")
    return rows[0]


async def _status_page(request: Request, ticket: dict[str, Any], *, status_code: int = 200, errors=None) -> Response:
    messages = await conversation.messages_of(ticket["id"], public_only=True)
    return render_page(
        request, "desk/public_status.html", status_code=status_code, ticket=ticket, messages=messages,
        errors=errors or {}, can_reply=ticket["status"] != "closed",
        can_rate=ticket["status"] in ("solved", "closed") and ticket["csat_score"] is None,
    )


@get("/public/t/{token:str}", name="desk-public-status", include_in_schema=False)
async def status_page(request: Request, token: FromPath[str]) -> Response:
    return await _status_page(request, await _ticket_for(token))


@post("/public/t/{token:str}/reply", name="desk-public-reply", include_in_schema=False)
async def customer_reply(request: Request, token: FromPath[str]) -> Response:
    ticket = await _ticket_for(token)
    limiter = attempt_limiter("desk-status-reply", REPLY_LIMIT, FORM_WINDOW_SECONDS)
    if await limiter.blocked(token):
        return await _status_page(request, ticket, status_code=429, errors={"body": "Too many messages just now."})
    await limiter.failed(token)
    values = await _form(request)
    if ticket["status"] == "closed":
        return await _status_page(request, ticket, status_code=422, errors={
            "body": "This ticket is closed. Open a new request if something is still wrong."})
    try:
        body = conversation.check_body(values.get("body"))
    except Invalid:
        return await _status_page(request, ticket, status_code=422, errors={"body": "Write a message first (at most 50,000 characters)."})
    principal = await intake_user()
    [requester] = await fetch("SELECT from_address FROM desk_message WHERE ticket = {} AND kind = 'customer' ORDER BY id LIMIT 1", ticket["id"]) or [{"from_address": ""}]
    action, ticket_id, _ = await customers.answer(principal, ticket["id"], requester["from_address"], "", ticket["subject"], body, "", "web")
    if ticket_id != ticket["id"]:
        [row] = await fetch("SELECT public_token FROM desk_ticket WHERE id = {}", ticket_id)
        return Redirect(f"/desk/public/t/{row['public_token']}", status_code=303)
    return Redirect(f"/desk/public/t/{token}", status_code=303)


@post("/public/t/{token:str}/rate", name="desk-public-rate", include_in_schema=False)
async def rate_ticket(request: Request, token: FromPath[str]) -> Response:
    ticket = await _ticket_for(token)
    values = await _form(request)
    errors = {}
    if ticket["status"] not in ("solved", "closed"):
        errors["score"] = "You can rate the help once the ticket is solved."
    elif ticket["csat_score"] is not None:
        errors["score"] = "You have rated this ticket already. Thank you!"
    score = values.get("score", "")
    if not errors and score not in ("1", "2", "3", "4", "5"):
        errors["score"] = "Choose from 1 (poor) to 5 (excellent)."
    comment = values.get("comment", "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = f"At most {MAX_COMMENT} characters, please."
    if errors:
        return await _status_page(request, ticket, status_code=422, errors=errors)
    await execute(
        "UPDATE desk_ticket SET csat_score = {}, csat_comment = {} WHERE id = {} AND csat_score IS NULL",
        int(score), comment, ticket["id"],
    )
    return Redirect(f"/desk/public/t/{token}", status_code=303)


HANDLERS = [new_ticket_form, create_ticket_from_form, status_page, customer_reply, rate_ticket]
