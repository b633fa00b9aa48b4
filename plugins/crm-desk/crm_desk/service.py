"""Opening and changing tickets as an agent or an intake channel would, in one unit of work."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from crm_hookspecs import Permission, Principal
from crm_platform.toolkit import (
    Invalid,
    audit_record,
    create_record,
    fetch,
    placeholders,
    unit_of_work,
    update_record,
)

from crm_desk import assignment, requesters, tickets
from crm_desk.sla import policies as sla_policies
from crm_desk.sla import service as sla

CREATE = Permission("desk.create", "Open tickets", roles=("admin", "manager", "member"))
MANAGE = Permission("desk.manage", "Change SLA policies, calendars and canned replies", roles=("admin", "manager"))


def number(ticket_id: int) -> str:
    """How a ticket is named to customers and in email subjects: ``#123``."""
    return f"#{ticket_id}"


@asynccontextmanager
async def _assignee_named():
    """The core names a wrong owner ``owner_id``; a ticket's owner is its assignee."""
    try:
        yield
    except Invalid as exc:
        if "owner_id" in exc.errors:
            exc.errors["assignee_id"] = exc.errors.pop("owner_id")
        raise


async def open_ticket(
    principal: Principal, values: dict[str, Any], *, requester_email: str | None = None, requester_name: str = ""
) -> int:
    """Open a ticket; an unknown ``requester_email`` becomes a new contact, which a refused
    ticket takes with it."""
    async with _assignee_named(), unit_of_work():
        if requester_email and values.get("requester_id") is None:
            try:
                values["requester_id"] = await requesters.contact_for_email(principal, requester_email, requester_name)
            except Invalid as exc:
                # Name the ticket's own wrong fields too: its write is rolled back with this unit.
                errors = dict(exc.errors)
                try:
                    await create_record(principal, tickets.KIND_KEY, values)
                except Invalid as ticket_exc:
                    errors |= ticket_exc.errors
                raise Invalid(errors) from None
        if values.get("team_id") and values.get("owner", principal.id) is None and await assignment.round_robin_on():
            values["owner"] = await assignment.next_agent(values["team_id"])
        return await create_record(principal, tickets.KIND_KEY, values)


async def change_ticket(principal: Principal, ticket_id: int, changes: dict[str, Any]) -> bool:
    async with _assignee_named():
        return await update_record(principal, tickets.KIND_KEY, ticket_id, changes)


async def flags_of(ticket_ids: list[int]) -> dict[int, list[str]]:
    """``{ticket id: ["resolution breached", ...]}`` for the flags raised so far."""
    if not ticket_ids:
        return {}
    rows = await fetch(
        f"SELECT ticket, target, flag FROM desk_sla_flag WHERE ticket IN ({placeholders(ticket_ids)}) ORDER BY id",
        *ticket_ids,
    )
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row["ticket"], []).append(f"{row['target'].replace('_', ' ')} {row['flag'].replace('_', ' ')}")
    return found


async def _refresh_open() -> None:
    rows = await fetch("SELECT id FROM desk_ticket WHERE status NOT IN ('solved', 'closed')")
    await sla.refresh([row["id"] for row in rows])


async def set_policy(principal: Principal, priority: str, first: Any, resolution: Any) -> None:
    async with unit_of_work():
        await sla.set_policy(priority, first, resolution)
        await _refresh_open()


async def set_calendar(principal: Principal, team_id: int, timezone: Any, hours: Any, holidays: Any):
    async with unit_of_work():
        calendar = await sla.set_calendar(team_id, timezone, hours, holidays)
        await _refresh_open()
    return calendar


POLICY_RECORD = "desk.sla_policy"


async def _refresh_covered(*covering: dict[str, Any]) -> None:
    """Recompute the open tickets a policy covered or covers now, and no others: a company's
    policy touches that company's tickets, not the whole desk."""
    ids: set[int] = set()
    for policy in covering:
        if policy["company_id"] is not None:
            rows = await fetch(
                "SELECT id, company_id, category FROM desk_ticket WHERE status NOT IN ('solved', 'closed') "
                "AND company_id = {}", policy["company_id"],
            )
        else:
            rows = await fetch(
                "SELECT id, company_id, category FROM desk_ticket WHERE status NOT IN ('solved', 'closed') "
                "AND category <> ''"
            )
        ids |= {row["id"] for row in sla_policies.matching_tickets(policy, rows)}
    await sla.refresh(sorted(ids))


async def create_sla_policy(principal: Principal, values: dict[str, Any]) -> int:
    """A policy for a company, a category or both; open tickets move onto it at once, audited."""
    async with unit_of_work():
        policy_id = await sla_policies.create_policy(principal, values)
        after = await sla_policies.get_policy(policy_id)
        await audit_record(principal.id, POLICY_RECORD, policy_id, "create", _policy_changes({}, after))
        await _refresh_covered(after)
    return policy_id


async def update_sla_policy(principal: Principal, policy_id: int, values: dict[str, Any]) -> None:
    async with unit_of_work():
        before = await sla_policies.update_policy(principal, policy_id, values)
        after = await sla_policies.get_policy(policy_id)
        await audit_record(principal.id, POLICY_RECORD, policy_id, "update", _policy_changes(before, after))
        await _refresh_covered(before, after)


async def delete_sla_policy(principal: Principal, policy_id: int) -> None:
    """Remove a policy; its open tickets fall back to the next matching one, audited."""
    async with unit_of_work():
        before = await sla_policies.delete_policy(policy_id)
        await audit_record(principal.id, POLICY_RECORD, policy_id, "delete", _policy_changes(before, {}))
        await _refresh_covered(before)


def _policy_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {"from": before.get(name), "to": after.get(name)}
        for name in ("name", "company_id", "category", "targets") if before.get(name) != after.get(name)
    }
