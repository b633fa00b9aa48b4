"""Tickets as a record kind: the core's one pipeline checks, audits, indexes, trashes and
restores them; this module says what a valid ticket is and what follows from a change."""

from __future__ import annotations

import secrets
from typing import Any

from crm_hookspecs import Event, Principal, RecordKind, RecordWrite
from crm_platform.toolkit import Invalid, get_records, list_teams, now, record_kinds

from crm_desk.events import TicketAssigned, TicketOpened, TicketSolved
from crm_desk.sla import service as sla
from crm_desk.tables import BODY_LENGTH, SUBJECT_LENGTH, Ticket

KIND_KEY = "desk.ticket"
STATUSES = ("new", "open", "pending_customer", "on_hold", "solved", "closed")
PRIORITIES = sla.PRIORITIES
CHANNELS = ("email", "web", "phone", "social", "api")
# Where a ticket may go from each status. A closed ticket is final: a customer who writes
# again gets a new ticket linked to it.
TRANSITIONS = {
    "new": ("open", "pending_customer", "on_hold", "solved", "closed"),
    "open": ("pending_customer", "on_hold", "solved", "closed"),
    "pending_customer": ("open", "on_hold", "solved", "closed"),
    "on_hold": ("open", "pending_customer", "solved", "closed"),
    "solved": ("open", "closed"),
    "closed": (),
}
CATEGORY_LENGTH = 100
AUDITED = (
    "subject", "description", "requester_id", "company_id", "status", "priority", "category", "channel",
    "owner", "team_id", "tags", "custom", "deal_id",
)
# The sales plugin's deals, which a ticket may be linked to while that plugin is enabled.
DEAL_KIND = "sales.deal"


def deals_enabled() -> bool:
    return any(kind.key == DEAL_KIND for kind in record_kinds())


def deal_url(deal_id: int) -> str:
    """The deal's page, as its record kind names it."""
    [kind] = [kind for kind in record_kinds() if kind.key == DEAL_KIND]
    return kind.url.format(id=deal_id)


def _choice(values: dict[str, Any], name: str, allowed: tuple[str, ...], errors: dict[str, str]) -> None:
    if values.get(name) not in allowed:
        errors[name] = f"must be one of {', '.join(allowed)}, not {values.get(name)!r}"


async def clean(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """A ticket's own fields; the core checks the assignee (owner), tags and custom fields."""
    errors: dict[str, str] = {}
    values = dict(values)
    subject = " ".join(str(values.get("subject") or "").split())
    if not subject:
        errors["subject"] = "must not be empty"
    elif len(subject) > SUBJECT_LENGTH:
        errors["subject"] = f"must be at most {SUBJECT_LENGTH} characters, not {len(subject)}"
    description = str(values.get("description") or "")
    if len(description) > BODY_LENGTH:
        errors["description"] = f"must be at most {BODY_LENGTH} characters, not {len(description)}"
    values.setdefault("status", "new")
    values.setdefault("priority", "normal")
    values.setdefault("channel", "api")
    _choice(values, "status", STATUSES, errors)
    _choice(values, "priority", PRIORITIES, errors)
    _choice(values, "channel", CHANNELS, errors)
    category = " ".join(str(values.get("category") or "").split())
    if len(category) > CATEGORY_LENGTH:
        errors["category"] = f"must be at most {CATEGORY_LENGTH} characters"
    if existing is not None and "status" not in errors and values["status"] != existing["status"]:
        allowed = TRANSITIONS[existing["status"]]
        if values["status"] not in allowed:
            errors["status"] = (
                f"a {existing['status']} ticket cannot become {values['status']}"
                + (f": it may become {', '.join(allowed)}" if allowed else ": a closed ticket is final")
            )
    await _check_references(principal, values, existing, errors)
    if errors:
        raise Invalid(errors)
    values |= {"subject": subject, "description": description, "category": category}
    if existing is None:
        values |= {"public_token": secrets.token_urlsafe(32), "created_at": now()}
    if existing is not None and values["status"] == "solved" and existing["status"] != "solved":
        values["solved_at"] = now()
    return values


async def _check_references(
    principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None, errors: dict[str, str]
) -> None:
    """The requester, company and team a ticket names exist (and may be seen); checked only
    when they change, so a ticket stays editable by someone who cannot see its company."""
    def changed(name: str) -> bool:
        return values.get(name) is not None and (existing is None or values.get(name) != existing.get(name))

    for name, kind in (("requester_id", "contact"), ("company_id", "company")):
        record_id = values.get(name)
        if changed(name) and not await get_records(principal, kind, [record_id]):
            errors[name] = f"{kind} {record_id} does not exist or is not visible to you"
    if changed("team_id") and values["team_id"] not in {team["id"] for team in await list_teams()}:
        errors["team_id"] = f"team {values['team_id']} does not exist"
    if changed("deal_id"):
        if not deals_enabled():
            errors["deal_id"] = "deals need the sales plugin, which is not enabled"
        elif not await get_records(principal, DEAL_KIND, [values["deal_id"]]):
            errors["deal_id"] = f"deal {values['deal_id']} does not exist or is not visible to you"


async def after_write(write: RecordWrite) -> list[Event]:
    """Pauses, SLA due times and the desk's own events, in the writing transaction."""
    if write.action == "delete" or write.values is None:
        return []
    events: list[Event] = []
    actor = write.principal.id
    before = write.existing or {}
    status = write.values["status"]
    if write.action == "create":
        events.append(TicketOpened(actor_id=actor, ticket_id=write.record_id, channel=write.values["channel"]))
    if before.get("status") != status:
        await sla.track_pause(write.record_id, before.get("status"), status)
        if status == "solved":
            events.append(TicketSolved(actor_id=actor, ticket_id=write.record_id))
    owner, team = write.values.get("owner"), write.values.get("team_id")
    if (owner, team) != (before.get("owner"), before.get("team_id")) and (owner or team):
        events.append(TicketAssigned(actor_id=actor, ticket_id=write.record_id, assignee_id=owner, team_id=team))
    if write.action == "create" or any(
        name in write.changes for name in ("status", "priority", "team_id", "company_id", "category")
    ):
        await sla.refresh([write.record_id])
    return events


async def after_restore(write: RecordWrite) -> list[Event]:
    await sla.refresh([write.record_id])
    return []


KIND = RecordKind(
    key=KIND_KEY, label="Ticket", plural="Tickets", table=Ticket, title_column="subject", url="/desk/tickets/{id}",
    audited=AUDITED, subtitle_column="status", search_columns=("category",), clean=clean, after_write=after_write,
    after_restore=after_restore, tags=True, custom_fields=True, personal_data=("description",),
    open_condition="status NOT IN ('solved', 'closed')", team_column="team_id",
)
