"""Lists of tickets: filters, the queues agents work from, keyset pages. One query a page,
whatever its length, narrowed by the visibility rule first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import (
    Invalid,
    Sort,
    check_limit,
    keyset_page,
    now,
    visibility_sql,
)

from crm_desk.tickets import CHANNELS, KIND_KEY, PRIORITIES, STATUSES

OPEN = ("new", "open", "pending_customer", "on_hold")
QUEUES = ("all", "mine", "unassigned", "team", "at_risk", "breached", "pending_customer")
LIST_COLUMNS = (
    "id, subject, status, priority, category, channel, requester_id, company_id, owner, team_id, "
    "first_response_due, resolution_due, next_due, first_responded_at, deal_id, created_at, updated_at"
)
SORTS = {"due": Sort("next_due", descending=False), "newest": Sort("id", descending=True)}


@dataclass
class Filters:
    queue: str = "all"
    status: str | None = None
    priority: str | None = None
    channel: str | None = None
    category: str | None = None
    requester_id: int | None = None
    company_id: int | None = None
    assignee_id: int | None = None
    team_id: int | None = None
    tag: str | None = None
    deal_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def check(self) -> None:
        for name, allowed in (("queue", QUEUES), ("status", STATUSES), ("priority", PRIORITIES), ("channel", CHANNELS)):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                self.errors[name] = f"must be one of {', '.join(allowed)}, not {value!r}"
        if self.errors:
            raise Invalid(self.errors)


def _where(principal: Principal, filters: Filters, conditions: list[str], args: list[Any]) -> None:
    moment = now()
    queue = filters.queue
    if queue == "mine":
        conditions.append("owner = {}")
        args.append(principal.id)
    elif queue == "unassigned":
        conditions.append("owner IS NULL")
    elif queue == "team":
        conditions.append("team_id = {}")
        args.append(principal.team_id if principal.team_id is not None else -1)
    elif queue == "at_risk":
        # The target due next is at risk (as of the watch job's last minute) and not breached.
        conditions.append("at_risk = {} AND next_due > {}")
        args += [True, moment]
    elif queue == "breached":
        # The soonest running target is past due (solved and closed tickets run none).
        conditions.append("next_due <= {}")
        args.append(moment)
    elif queue == "pending_customer":
        conditions.append("status = {}")
        args.append("pending_customer")
    if queue in ("mine", "unassigned", "team", "at_risk", "breached") and filters.status is None:
        conditions.append("status IN ('new', 'open', 'pending_customer', 'on_hold')")
    for name, column in (
        ("status", "status"), ("priority", "priority"), ("channel", "channel"), ("category", "category"),
        ("requester_id", "requester_id"), ("company_id", "company_id"), ("assignee_id", "owner"),
        ("team_id", "team_id"), ("deal_id", "deal_id"),
    ):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(f"{column} = {{}}")
            args.append(value)
    if filters.tag:
        # Tags are a JSON list; the quoted form matches one whole tag on either engine.
        conditions.append("CAST(tags AS TEXT) LIKE {}")
        args.append(f'%"{filters.tag.strip().lower()}"%')


async def list_tickets(
    principal: Principal, filters: Filters, *, sort: str = "due", limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the tickets ``principal`` may see that meet ``filters``, by due time
    (``sort="due"``, soonest first; tickets with nothing due last) or newest first
    (``sort="newest"``), and the next page's cursor."""
    limit = check_limit(limit)
    filters.check()
    if sort not in SORTS:
        raise Invalid({"sort": f"must be one of {', '.join(SORTS)}"})
    order = SORTS[sort]
    conditions, args = await visibility_sql(principal, KIND_KEY)
    _where(principal, filters, conditions, args)
    select = f"SELECT {LIST_COLUMNS} FROM desk_ticket"
    return await keyset_page(select, conditions, args, order, cursor=cursor, limit=limit)
