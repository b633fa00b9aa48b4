"""The agents' pages under ``/desk/``: the queues and a ticket's page with its conversation,
the reply and note boxes, canned replies, the SLA panel and the requester's other tickets."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

from crm_hookspecs import Panel
from crm_platform.toolkit import (
    Conflict,
    CurrentPrincipal,
    Invalid,
    RecordFilter,
    get_record,
    get_records,
    get_users,
    list_records,
    list_teams,
    list_users,
    render_fragment,
    render_page,
    require_permission,
)
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_desk import canned, conversation, listing, presence, reports, service, tickets

QUEUE_LABELS = {
    "mine": "Mine", "unassigned": "Unassigned", "team": "My team's", "at_risk": "At risk",
    "breached": "Breached", "pending_customer": "Pending customer", "all": "All",
}
OTHER_TICKETS = 10
DEAL_CHOICES = 30


async def _names(principal, rows: list[dict[str, Any]]) -> dict[str, dict[int, str]]:
    """Requesters' names the agent may see and assignees' names, for a page of tickets, in one
    query each."""
    contact_ids = [row["requester_id"] for row in rows if row["requester_id"] is not None]
    contacts = await get_records(principal, "contact", contact_ids)
    users = await get_users([row["owner"] for row in rows if row["owner"] is not None])
    return {
        "contacts": {cid: contact["display_name"] for cid, contact in contacts.items()},
        "users": {uid: user["display_name"] for uid, user in users.items()},
    }


@get("/", name="desk-queues", include_in_schema=False)
async def queues_page(
    request: Request, principal: CurrentPrincipal, queue: FromQuery[str] = "mine", cursor: FromQuery[str | None] = None
) -> Response:
    """A queue, soonest due first."""
    if queue not in QUEUE_LABELS:
        queue = "mine"
    rows, next_cursor = await listing.list_tickets(principal, listing.Filters(queue=queue), cursor=cursor)
    flags = await service.flags_of([row["id"] for row in rows])
    return render_page(
        request, "desk/queues.html", queue=queue, queues=QUEUE_LABELS, tickets=rows, next_cursor=next_cursor,
        names=await _names(principal, rows), flags=flags,
    )


async def _ticket_page(
    request: Request, principal, ticket_id: int, *, errors: dict[str, str] | None = None, draft: str = "",
    status_code: int = 200, changed: str = "",
) -> Response:
    ticket = await get_record(principal, tickets.KIND_KEY, ticket_id)
    await presence.ping(principal, ticket_id, "viewing")
    messages = await conversation.messages_of(ticket_id)
    requester = None
    others: list[dict[str, Any]] = []
    if ticket["requester_id"] is not None:
        requester = (await get_records(principal, "contact", [ticket["requester_id"]])).get(ticket["requester_id"])
        if requester:
            found, _ = await listing.list_tickets(
                principal, listing.Filters(requester_id=ticket["requester_id"]), sort="newest", limit=OTHER_TICKETS + 1
            )
            others = [row for row in found if row["id"] != ticket_id][:OTHER_TICKETS]
    company = None
    if ticket["company_id"] is not None:
        company = (await get_records(principal, "company", [ticket["company_id"]])).get(ticket["company_id"])
    teams = await list_teams()
    deal, deal_choices = await _deal_of(principal, ticket) if tickets.deals_enabled() else (None, None)
    return render_page(
        request, "desk/ticket.html", deal=deal, deal_choices=deal_choices, status_code=status_code, ticket=ticket, messages=messages,
        requester=requester, company=company, others=others, errors=errors or {}, draft=draft,
        flags=(await service.flags_of([ticket_id])).get(ticket_id, []), canned_replies=await canned.list_all(),
        users=[(user["id"], user["display_name"]) for user in await list_users()],
        teams=[(team["id"], team["name"]) for team in teams],
        statuses=[(status, status.replace("_", " ")) for status in tickets.TRANSITIONS[ticket["status"]]],
        number=service.number(ticket_id), changed=changed, seen_message_id=_last_id(messages),
        others_here=await presence.others(principal, ticket_id), poll_seconds=presence.POLL_SECONDS,
    )


async def _deal_of(principal, ticket: dict[str, Any]) -> tuple[dict[str, Any] | None, list[tuple[int, str]]]:
    """The linked deal as far as the agent may see it (``{"id", "title"}``, the title left out
    when hidden), and the deals the agent may link: the ticket's company's first, then the
    most recently changed, read through the contract in two queries."""
    deal = None
    if ticket["deal_id"] is not None:
        found = (await get_records(principal, tickets.DEAL_KIND, [ticket["deal_id"]])).get(ticket["deal_id"])
        deal = {"id": ticket["deal_id"], "title": found["title"] if found else None,
                "url": tickets.deal_url(ticket["deal_id"])}
    choices: dict[int, str] = {}
    if ticket["company_id"] is not None:
        try:
            company_deals, _ = await list_records(principal, tickets.DEAL_KIND, RecordFilter(
                equals={"company": ticket["company_id"]}), sort="-updated_at", limit=DEAL_CHOICES)
        except Invalid:
            company_deals = []  # a deal kind without a company column offers the recent ones only
        choices |= {row["id"]: row["title"] for row in company_deals}
    recent, _ = await list_records(principal, tickets.DEAL_KIND, RecordFilter(), sort="-updated_at", limit=DEAL_CHOICES)
    for row in recent:
        choices.setdefault(row["id"], row["title"])
    if deal and deal["title"]:
        choices.setdefault(deal["id"], deal["title"])
    return deal, list(choices.items())


def _last_id(messages: list[dict[str, Any]]) -> int:
    return max((message["id"] for message in messages), default=0)


async def _new_form(request: Request, values: dict[str, Any], errors: dict[str, str], status_code: int = 200) -> Response:
    teams = await list_teams()
    return render_page(
        request, "desk/new.html", status_code=status_code, values=values, errors=errors,
        teams=[(team["id"], team["name"]) for team in teams],
        priorities=[(priority, priority) for priority in tickets.PRIORITIES],
        channels=[(channel, channel) for channel in tickets.CHANNELS],
    )


@get("/tickets/new", name="desk-ticket-new", include_in_schema=False)
async def new_ticket_page(request: Request, principal: CurrentPrincipal) -> Response:
    return await _new_form(request, {"priority": "normal", "channel": "phone"}, {})


@post("/tickets/new", name="desk-ticket-create", include_in_schema=False)
async def create_ticket(request: Request, principal: CurrentPrincipal) -> Response:
    """Open a ticket for a customer who called or wrote elsewhere; you are its assignee."""
    form = await request.form()
    values = {key: str(form.get(key) or "") for key in ("subject", "description", "requester_email", "priority",
                                                       "category", "channel", "team_id")}
    try:
        await require_permission(principal, service.CREATE.key)
        ticket_id = await service.open_ticket(principal, {
            "subject": values["subject"], "description": values["description"], "priority": values["priority"],
            "category": values["category"], "channel": values["channel"], "team_id": _int_or_none(values["team_id"]),
        }, requester_email=values["requester_email"].strip() or None)
    except Invalid as exc:
        return await _new_form(request, values, exc.errors, status_code=422)
    return Redirect(f"/desk/tickets/{ticket_id}", status_code=303)


@get("/tickets/{ticket_id:int}", name="desk-ticket", include_in_schema=False)
async def ticket_page(
    request: Request, principal: CurrentPrincipal, ticket_id: FromPath[int], canned_id: FromQuery[int | None] = None
) -> Response:
    """A ticket; ``canned_id`` fills the reply box with that canned reply."""
    draft = await canned.render_for(principal, canned_id, ticket_id) if canned_id else ""
    return await _ticket_page(request, principal, ticket_id, draft=draft)


@post("/tickets/{ticket_id:int}/messages", name="desk-ticket-message", include_in_schema=False)
async def post_message(request: Request, principal: CurrentPrincipal, ticket_id: FromPath[int]) -> Response:
    """Send a reply or note; one written over a newer message comes back unsent, with a warning."""
    form = await request.form()
    kind = str(form.get("kind") or "reply")
    status = str(form.get("status") or "") or None
    draft = str(form.get("body") or "")
    seen = str(form.get("seen_message_id") or "").strip()
    try:
        await conversation.add(principal, ticket_id, kind, form.get("body"), status=status,
                               seen_message_id=int(seen) if seen.isdecimal() else None)
    except Invalid as exc:
        return await _ticket_page(request, principal, ticket_id, errors=exc.errors, draft=draft, status_code=422)
    except Conflict as exc:
        return await _ticket_page(request, principal, ticket_id, draft=draft, status_code=409,
                                  changed=exc.message[0].upper() + exc.message[1:] + ".")
    return Redirect(f"/desk/tickets/{ticket_id}", status_code=303)


@post("/tickets/{ticket_id:int}/presence", name="desk-ticket-presence", include_in_schema=False)
async def ticket_presence(request: Request, principal: CurrentPrincipal, ticket_id: FromPath[int]) -> Response:
    """What an open ticket page polls: renews the agent's presence (``state`` viewing or
    replying) and answers who else is here, and whether messages came after ``seen_message_id``."""
    form = await request.form()
    state = str(form.get("state") or "viewing")
    if state not in presence.STATES:
        raise Invalid({"state": f"must be one of {', '.join(presence.STATES)}"})
    await presence.ping(principal, ticket_id, state)
    seen = str(form.get("seen_message_id") or "").strip()
    newer = await presence.newer_messages(ticket_id, int(seen)) if seen.isdecimal() else []
    return render_fragment(request, "desk/_presence.html", others_here=await presence.others(principal, ticket_id),
                           newer=len(newer), ticket_id=ticket_id)


def _int_or_none(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdecimal() else None


@post("/tickets/{ticket_id:int}", name="desk-ticket-change", include_in_schema=False)
async def change_ticket(request: Request, principal: CurrentPrincipal, ticket_id: FromPath[int]) -> Response:
    """Assign, move to a team, change the status or the priority."""
    form = await request.form()
    changes: dict[str, Any] = {}
    if "assignee_id" in form:
        changes["owner"] = _int_or_none(form.get("assignee_id"))
    if "team_id" in form:
        changes["team_id"] = _int_or_none(form.get("team_id"))
    if "deal_id" in form:
        changes["deal_id"] = _int_or_none(form.get("deal_id"))
    for name in ("status", "priority"):
        if form.get(name):
            changes[name] = str(form.get(name))
    try:
        await service.change_ticket(principal, ticket_id, changes)
    except Invalid as exc:
        return await _ticket_page(request, principal, ticket_id, errors=exc.errors, status_code=422)
    return Redirect(f"/desk/tickets/{ticket_id}", status_code=303)


@get("/reports", name="desk-reports", include_in_schema=False)
async def reports_page(request: Request, principal: CurrentPrincipal) -> Response:
    """The desk's reports live on the core's reports pages; this lists them."""
    return render_page(request, "desk/reports.html", reports=reports.REPORTS)


@get("/reports.csv", name="desk-reports-csv", include_in_schema=False)
async def reports_csv(request: Request, principal: CurrentPrincipal) -> Redirect:
    """The times report's CSV, now the core's export (``group`` and the period pass through)."""
    return Redirect(f"/api/v1/reports/desk.times?{urlencode({**request.query_params.dict(), 'format': 'csv'}, doseq=True)}",
                    status_code=307)


PANEL_FILTERS = {"contact": "requester_id", "company": "company_id", tickets.DEAL_KIND: "deal_id"}


async def tickets_panel(record_type: str, record_id: int, principal) -> Panel | None:
    """The tickets of a contact (as requester), a company or a deal, newest first; escaped HTML."""
    if record_type not in PANEL_FILTERS:
        return None
    filters = listing.Filters(**{PANEL_FILTERS[record_type]: record_id})
    rows, _ = await listing.list_tickets(principal, filters, sort="newest", limit=OTHER_TICKETS)
    items = "".join(
        f'<li><a href="/desk/tickets/{row["id"]}">#{row["id"]} {html.escape(row["subject"])}</a> · '
        f'{html.escape(row["status"].replace("_", " "))}</li>'
        for row in rows
    )
    return Panel(key="desk-tickets", title="Tickets", html=f"<ul>{items}</ul>" if rows else "<p>No tickets.</p>")


HANDLERS = [
    queues_page, new_ticket_page, create_ticket, ticket_page, post_message, change_ticket, reports_page, reports_csv,
    ticket_presence,
]
