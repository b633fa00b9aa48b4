"""``/api/v1/desk/``: tickets (list, open, read, change, delete, history), their conversation,
canned replies, SLA policies and calendars. Every ticket write goes through the core's pipeline."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from crm_platform.toolkit import (
    CurrentPrincipal,
    Invalid,
    audit_history,
    delete_record,
    get_record,
    require_permission,
)
from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from msgspec import UNSET, Meta, UnsetType

from crm_desk import canned, conversation, listing, merges, service, tickets
from crm_desk.sla import policies as sla_policies
from crm_desk.sla import service as sla

Subject = Annotated[str, Meta(max_length=1000)]
Body = Annotated[str, Meta(max_length=200_000)]
Tags = Annotated[list[str], Meta(max_length=50)]


class TicketIn(msgspec.Struct, forbid_unknown_fields=True):
    subject: Subject
    description: Body = ""
    requester_id: int | None = None
    requester_email: str | None = None
    requester_name: str = ""
    company_id: int | None = None
    status: str = "new"
    priority: str = "normal"
    category: str = ""
    channel: str = "api"
    assignee_id: int | None | UnsetType = UNSET
    team_id: int | None = None
    tags: Tags = []
    custom: dict[str, Any] = {}
    deal_id: int | None = None


class TicketPatch(msgspec.Struct, forbid_unknown_fields=True):
    subject: Subject | UnsetType = UNSET
    description: Body | UnsetType = UNSET
    requester_id: int | None | UnsetType = UNSET
    company_id: int | None | UnsetType = UNSET
    status: str | UnsetType = UNSET
    priority: str | UnsetType = UNSET
    category: str | UnsetType = UNSET
    channel: str | UnsetType = UNSET
    assignee_id: int | None | UnsetType = UNSET
    team_id: int | None | UnsetType = UNSET
    tags: Tags | UnsetType = UNSET
    custom: dict[str, Any] | UnsetType = UNSET
    deal_id: int | None | UnsetType = UNSET


class Sla(msgspec.Struct):
    first_response_due: dt.datetime | None
    first_response_derivation: str
    first_responded_at: dt.datetime | None
    resolution_due: dt.datetime | None
    resolution_derivation: str
    flags: list[str]
    policy_id: int | None
    policy_reason: str


class TicketSummary(msgspec.Struct):
    id: int
    number: str
    subject: str
    status: str
    priority: str
    category: str
    channel: str
    requester_id: int | None
    company_id: int | None
    assignee_id: int | None
    team_id: int | None
    first_response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    created_at: dt.datetime
    deal_id: int | None


class TicketOut(TicketSummary):
    description: str
    tags: list[str]
    custom: dict[str, Any]
    sla: Sla
    csat_score: int | None
    reopened_from: int | None
    updated_at: dt.datetime


class TicketPage(msgspec.Struct):
    items: list[TicketSummary]
    next_cursor: str | None


class HistoryEntry(msgspec.Struct):
    action: str
    actor_id: int | None
    at: dt.datetime
    changes: dict[str, Any]


class MessageIn(msgspec.Struct, forbid_unknown_fields=True):
    body: Body
    kind: str = "reply"
    status: str | None = None
    seen_message_id: int | None = None


class MessageOut(msgspec.Struct):
    id: int
    kind: str
    author_id: int | None
    from_address: str
    body: str
    created_at: dt.datetime


class CannedIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, Meta(max_length=1000)]
    body: Body


class CannedOut(msgspec.Struct):
    id: int
    title: str
    body: str


class RenderedOut(msgspec.Struct):
    body: str


class PolicyIn(msgspec.Struct, forbid_unknown_fields=True):
    first_response_minutes: Any
    resolution_minutes: Any


class SlaRuleIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Any
    targets: Any
    company_id: Any = None
    category: Any = ""


class SlaRulePatch(msgspec.Struct, forbid_unknown_fields=True):
    name: Any = UNSET
    targets: Any = UNSET
    company_id: Any = UNSET
    category: Any = UNSET


class SlaRuleOut(msgspec.Struct):
    id: int
    name: str
    company_id: int | None
    category: str
    targets: dict[str, dict[str, int]]
    created_at: dt.datetime
    updated_at: dt.datetime


def _rule_out(row: dict[str, Any]) -> SlaRuleOut:
    targets = {
        priority: {"first_response_minutes": first, "resolution_minutes": resolution}
        for priority, (first, resolution) in row["targets"].items()
    }
    return msgspec.convert(row | {"targets": targets}, SlaRuleOut, strict=False)


class CalendarIn(msgspec.Struct, forbid_unknown_fields=True):
    timezone: Any
    hours: Any
    holidays: Any = []


def _values(data: TicketIn | TicketPatch) -> dict[str, Any]:
    fields = {name: value for name, value in msgspec.structs.asdict(data).items() if value is not UNSET}
    if "assignee_id" in fields:
        fields["owner"] = fields.pop("assignee_id")
    return fields


async def ticket_out(principal: Any, ticket_id: int) -> TicketOut:
    row = await get_record(principal, tickets.KIND_KEY, ticket_id)
    flags = await service.flags_of([ticket_id])
    return msgspec.convert(
        row | {
            "number": service.number(row["id"]), "assignee_id": row["owner"],
            "sla": {
                name: row[name] for name in (
                    "first_response_due", "first_response_derivation", "first_responded_at",
                    "resolution_due", "resolution_derivation",
                )
            } | {"flags": flags.get(ticket_id, []), "policy_id": row["sla_policy_id"],
                 "policy_reason": row["sla_policy_reason"]},
        },
        TicketOut, from_attributes=True, strict=False,
    )


def _summary(row: dict[str, Any]) -> TicketSummary:
    return msgspec.convert(
        row | {"number": service.number(row["id"]), "assignee_id": row["owner"]}, TicketSummary, strict=False
    )


class TicketController(Controller):
    path = "/tickets"

    @get("/")
    async def list_tickets(
        self,
        principal: CurrentPrincipal,
        queue: FromQuery[str] = "all",
        status: FromQuery[str | None] = None,
        priority: FromQuery[str | None] = None,
        channel: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        requester_id: FromQuery[int | None] = None,
        company_id: FromQuery[int | None] = None,
        assignee_id: FromQuery[int | None] = None,
        team_id: FromQuery[int | None] = None,
        tag: FromQuery[str | None] = None,
        deal_id: FromQuery[int | None] = None,
        sort: FromQuery[str] = "due",
        limit: FromQuery[int] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> TicketPage:
        """The tickets you may see: a queue (``mine``, ``unassigned``, ``team``, ``at_risk``,
        ``breached``, ``pending_customer``, or ``all``), narrowed by the filters, soonest due
        first (``sort=newest`` for newest first). Pass ``next_cursor`` back as ``cursor``."""
        filters = listing.Filters(
            queue=queue, status=status, priority=priority, channel=channel, category=category,
            requester_id=requester_id, company_id=company_id, assignee_id=assignee_id, team_id=team_id, tag=tag,
            deal_id=deal_id,
        )
        rows, next_cursor = await listing.list_tickets(principal, filters, sort=sort, limit=limit, cursor=cursor)
        return TicketPage([_summary(row) for row in rows], next_cursor)

    @post("/")
    async def open_ticket(self, principal: CurrentPrincipal, data: JSONBody[TicketIn]) -> TicketOut:
        """Open a ticket. ``requester_email`` finds the contact with that address, or makes one
        tagged ``auto-created``; you are the assignee unless ``assignee_id`` says otherwise."""
        await require_permission(principal, service.CREATE.key)
        values = _values(data)
        email, name = values.pop("requester_email"), values.pop("requester_name")
        ticket_id = await service.open_ticket(principal, values, requester_email=email, requester_name=name)
        return await ticket_out(principal, ticket_id)

    @get("/{ticket_id:int}")
    async def get_ticket(self, principal: CurrentPrincipal, ticket_id: FromPath[int]) -> TicketOut:
        return await ticket_out(principal, ticket_id)

    @patch("/{ticket_id:int}")
    async def change_ticket(
        self, principal: CurrentPrincipal, ticket_id: FromPath[int], data: JSONBody[TicketPatch]
    ) -> TicketOut:
        """Change the fields sent: a status must follow the allowed transitions."""
        await service.change_ticket(principal, ticket_id, _values(data))
        return await ticket_out(principal, ticket_id)

    @delete("/{ticket_id:int}")
    async def delete_ticket(self, principal: CurrentPrincipal, ticket_id: FromPath[int]) -> None:
        """Move the ticket, with its conversation, to the trash."""
        await delete_record(principal, tickets.KIND_KEY, ticket_id)

    @get("/{ticket_id:int}/history")
    async def ticket_history(self, principal: CurrentPrincipal, ticket_id: FromPath[int]) -> list[HistoryEntry]:
        await get_record(principal, tickets.KIND_KEY, ticket_id)
        return [msgspec.convert(entry, HistoryEntry) for entry in await audit_history(tickets.KIND_KEY, ticket_id)]

    @get("/{ticket_id:int}/messages")
    async def list_messages(self, principal: CurrentPrincipal, ticket_id: FromPath[int]) -> list[MessageOut]:
        """The conversation, oldest first: public replies, the customer's messages and internal notes."""
        rows = await conversation.messages(principal, ticket_id)
        return [msgspec.convert(row, MessageOut, strict=False) for row in rows]

    @post("/{ticket_id:int}/messages")
    async def add_message(
        self, principal: CurrentPrincipal, ticket_id: FromPath[int], data: JSONBody[MessageIn]
    ) -> MessageOut:
        """A public reply (``kind="reply"``, emailed to the requester) or an internal note
        (``kind="note"``); ``status`` moves the ticket on in the same step. With
        ``seen_message_id`` (the newest message you have read; 0 for none) a newer message
        makes this a 409 naming it, and nothing is posted."""
        message_id = await conversation.add(principal, ticket_id, data.kind, data.body, status=data.status,
                                            seen_message_id=data.seen_message_id)
        [row] = [row for row in await conversation.messages(principal, ticket_id) if row["id"] == message_id]
        return msgspec.convert(row, MessageOut, strict=False)


class MergeIn(msgspec.Struct, forbid_unknown_fields=True):
    into_id: int


class SplitIn(msgspec.Struct, forbid_unknown_fields=True):
    message_id: int
    subject: Subject | None = None


class MergeController(Controller):
    path = "/tickets/{ticket_id:int}"

    @post("/merge")
    async def merge_ticket(self, principal: CurrentPrincipal, ticket_id: FromPath[int], data: JSONBody[MergeIn]) -> TicketOut:
        """Move this ticket's conversation into ``into_id`` and close this one; both are audited."""
        await merges.merge(principal, ticket_id, data.into_id)
        return await ticket_out(principal, data.into_id)

    @post("/split")
    async def split_ticket(self, principal: CurrentPrincipal, ticket_id: FromPath[int], data: JSONBody[SplitIn]) -> TicketOut:
        """A new ticket from one of this ticket's messages, for the same requester."""
        new_id = await merges.split(principal, ticket_id, data.message_id, data.subject)
        return await ticket_out(principal, new_id)


class CannedController(Controller):
    path = "/canned-replies"

    @get("/")
    async def list_canned(self, principal: CurrentPrincipal) -> list[CannedOut]:
        return [msgspec.convert(row, CannedOut) for row in await canned.list_all()]

    @post("/")
    async def add_canned(self, principal: CurrentPrincipal, data: JSONBody[CannedIn]) -> CannedOut:
        await require_permission(principal, service.MANAGE.key)
        return msgspec.convert(await canned.add(principal, data.title, data.body), CannedOut)

    @get("/{canned_id:int}/render")
    async def render_canned(
        self, principal: CurrentPrincipal, canned_id: FromPath[int], ticket_id: FromQuery[int]
    ) -> RenderedOut:
        """The canned reply filled in for one ticket (``{{ contact.given_name }}``, ``{{ ticket.number }}``)."""
        return RenderedOut(await canned.render_for(principal, canned_id, ticket_id))


class SlaController(Controller):
    path = "/sla"

    @get("/policies")
    async def list_policies(self, principal: CurrentPrincipal) -> dict[str, dict[str, int]]:
        return {
            priority: {"first_response_minutes": first, "resolution_minutes": resolution}
            for priority, (first, resolution) in (await sla.targets()).items()
        }

    @put("/policies/{priority:str}")
    async def set_policy(self, principal: CurrentPrincipal, priority: FromPath[str], data: JSONBody[PolicyIn]) -> None:
        """Targets in business minutes for one priority; open tickets are recomputed."""
        await require_permission(principal, service.MANAGE.key)
        await service.set_policy(principal, priority, data.first_response_minutes, data.resolution_minutes)

    @get("/calendars")
    async def list_calendars(self, principal: CurrentPrincipal) -> dict[str, Any]:
        return {str(team_id): calendar.to_plain() for team_id, calendar in (await sla.calendars()).items()}

    @put("/calendars/{team_id:int}")
    async def set_calendar(self, principal: CurrentPrincipal, team_id: FromPath[int], data: JSONBody[CalendarIn]) -> dict:
        """A team's business hours (team 0: teams without their own): a time zone, spans per
        weekday, holidays. No hours, overlapping spans or an unknown zone are a 422."""
        await require_permission(principal, service.MANAGE.key)
        if not isinstance(data.holidays, list):
            raise Invalid({"holidays": "must be a list of dates such as 2026-12-25"})
        calendar = await service.set_calendar(principal, team_id, data.timezone, data.hours, data.holidays)
        return calendar.to_plain()


class SlaRuleController(Controller):
    """SLA policies for a company, a category or both: the most specific one that sets a target
    for a ticket's priority wins over the priority's default."""

    path = "/sla/rules"

    @get("/")
    async def list_rules(self, principal: CurrentPrincipal) -> list[SlaRuleOut]:
        """Every policy, most specific first."""
        return [_rule_out(row) for row in await sla_policies.list_policies()]

    @post("/")
    async def add_rule(self, principal: CurrentPrincipal, data: JSONBody[SlaRuleIn]) -> SlaRuleOut:
        """A policy: ``company_id``, ``category`` or both, and ``targets`` by priority
        (``{"urgent": {"first_response_minutes": 30, "resolution_minutes": 240}}``). Open tickets
        it matches move onto it at once; one policy per company and category (else a 409)."""
        await require_permission(principal, service.MANAGE.key)
        policy_id = await service.create_sla_policy(principal, msgspec.structs.asdict(data))
        return _rule_out(await sla_policies.get_policy(policy_id))

    @get("/{policy_id:int}")
    async def get_rule(self, principal: CurrentPrincipal, policy_id: FromPath[int]) -> SlaRuleOut:
        return _rule_out(await sla_policies.get_policy(policy_id))

    @patch("/{policy_id:int}")
    async def change_rule(
        self, principal: CurrentPrincipal, policy_id: FromPath[int], data: JSONBody[SlaRulePatch]
    ) -> SlaRuleOut:
        """Change the fields sent (``targets`` is replaced whole); open tickets are recomputed."""
        await require_permission(principal, service.MANAGE.key)
        values = {name: value for name, value in msgspec.structs.asdict(data).items() if value is not UNSET}
        await service.update_sla_policy(principal, policy_id, values)
        return _rule_out(await sla_policies.get_policy(policy_id))

    @delete("/{policy_id:int}")
    async def delete_rule(self, principal: CurrentPrincipal, policy_id: FromPath[int]) -> None:
        """Remove a policy; its open tickets fall back to the next matching policy or the default."""
        await require_permission(principal, service.MANAGE.key)
        await service.delete_sla_policy(principal, policy_id)

    @get("/{policy_id:int}/history")
    async def rule_history(self, principal: CurrentPrincipal, policy_id: FromPath[int]) -> list[HistoryEntry]:
        """Who created, changed or deleted the policy, newest first (kept after a delete)."""
        entries = await audit_history(service.POLICY_RECORD, policy_id)
        return [msgspec.convert(entry, HistoryEntry) for entry in entries]


HANDLERS = [TicketController, MergeController, CannedController, SlaController, SlaRuleController]
