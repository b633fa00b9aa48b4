"""SLA policies for a company, a category, or both, above the targets per priority.

The most specific policy that sets a target for the ticket's priority wins: company and
category, then company, then category, then the priority's default. The choice is kept on the
ticket with a sentence that says which policy applies and why, so an agent never has to guess
where a due time's business hours came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import Conflict, Invalid, NotFound, execute, fetch, get_records, now

from crm_desk.sla.clock import _duration as duration

PRIORITIES = ("low", "normal", "high", "urgent")
NAME_LENGTH = 100
CATEGORY_LENGTH = 100
MAX_TARGET_MINUTES = 60 * 24 * 365
COLUMNS = "id, name, company_id, category, targets, created_at, updated_at"
# What each kind of match is called, most specific first.
LEVELS = {3: "company and category", 2: "company", 1: "category"}


@dataclass(frozen=True)
class Choice:
    """The targets a ticket runs on and where they came from (``policy_id`` None: the default)."""

    policy_id: int | None
    first_response_minutes: int
    resolution_minutes: int
    reason: str


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    targets = row["targets"] if isinstance(row["targets"], dict) else json.loads(row["targets"] or "{}")
    return row | {"targets": targets}


async def list_policies() -> list[dict[str, Any]]:
    """Every policy, most specific first, then by name."""
    rows = [_decoded(row) for row in await fetch(f"SELECT {COLUMNS} FROM desk_sla_policy ORDER BY name, id")]
    return sorted(rows, key=lambda row: -level(row))


async def get_policy(policy_id: int) -> dict[str, Any]:
    rows = await fetch(f"SELECT {COLUMNS} FROM desk_sla_policy WHERE id = {{}}", policy_id)
    if not rows:
        raise NotFound("desk.sla_policy", policy_id)
    return _decoded(rows[0])


def level(policy: dict[str, Any]) -> int:
    return (2 if policy["company_id"] is not None else 0) + (1 if policy["category"] else 0)


def _same_category(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def matching(policies: Iterable[dict[str, Any]], company_id: int | None, category: str) -> list[dict[str, Any]]:
    """The policies whose company and category fit the ticket, most specific first."""
    found = [
        policy for policy in policies
        if (policy["company_id"] is None or policy["company_id"] == company_id)
        and (not policy["category"] or (category and _same_category(policy["category"], category)))
    ]
    return sorted(found, key=lambda policy: -level(policy))


def matching_tickets(policy: dict[str, Any], tickets: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tickets (with ``company_id`` and ``category``) that ``policy`` fits."""
    return [ticket for ticket in tickets if matching([policy], ticket["company_id"], ticket["category"] or "")]


def _targets_text(priority: str, first: int, resolution: int) -> str:
    return f"{priority}: first response in {duration(first)}, resolution in {duration(resolution)}"


def choose(
    policies: Iterable[dict[str, Any]], defaults: dict[str, tuple[int, int]],
    company_id: int | None, category: str, priority: str,
) -> Choice:
    """The targets for a ticket with this company, category and priority, and why."""
    fitting = matching(policies, company_id, category)
    setting = [policy for policy in fitting if priority in policy["targets"]]
    silent = [policy for policy in fitting if priority not in policy["targets"]]
    skipped = "".join(
        f" “{policy['name']}” ({LEVELS[level(policy)]}) matches too but sets no {priority} target." for policy in silent
    )
    if not setting:
        first, resolution = defaults[priority]
        why = "no SLA policy names this ticket's company or category" if not fitting else "no matching policy sets one"
        return Choice(None, first, resolution,
                      f"Priority default ({_targets_text(priority, first, resolution)}): {why}.{skipped}")
    winner, *beaten = setting
    first, resolution = (int(value) for value in winner["targets"][priority])
    reason = (
        f"SLA policy “{winner['name']}” ({_targets_text(priority, first, resolution)}): it matches the ticket's "
        f"{LEVELS[level(winner)]}, the most specific match (company and category, then company, then category, "
        f"then the priority default)."
    )
    if beaten:
        reason += " Less specific, also matching: " + ", ".join(
            f"“{policy['name']}” ({LEVELS[level(policy)]})" for policy in beaten) + "."
    return Choice(winner["id"], first, resolution, reason + skipped)


def _check_targets(raw: Any, errors: dict[str, str]) -> dict[str, list[int]]:
    if not isinstance(raw, dict) or not raw:
        errors["targets"] = ('must name at least one priority, such as {"urgent": {"first_response_minutes": 30, '
                             '"resolution_minutes": 240}}')
        return {}
    targets: dict[str, list[int]] = {}
    for priority, value in raw.items():
        where = f"targets.{priority}"
        if priority not in PRIORITIES:
            errors[where] = f"is not a priority: use {', '.join(PRIORITIES)}"
            continue
        if not isinstance(value, dict) or set(value) != {"first_response_minutes", "resolution_minutes"}:
            errors[where] = "must be an object with first_response_minutes and resolution_minutes"
            continue
        minutes = []
        for name in ("first_response_minutes", "resolution_minutes"):
            number = value[name]
            if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= MAX_TARGET_MINUTES:
                errors[f"{where}.{name}"] = f"must be a whole number of business minutes from 1 to {MAX_TARGET_MINUTES}"
            minutes.append(number)
        if f"{where}.first_response_minutes" not in errors and f"{where}.resolution_minutes" not in errors:
            if minutes[1] < minutes[0]:
                errors[f"{where}.resolution_minutes"] = "must not be shorter than the first response target"
            targets[priority] = minutes
    return targets


async def _clean(principal: Principal, values: dict[str, Any], policy_id: int | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        errors["name"] = "must not be empty"
    elif len(name) > NAME_LENGTH:
        errors["name"] = f"must be at most {NAME_LENGTH} characters, not {len(name)}"
    company_id = values.get("company_id")
    if company_id is not None and (not isinstance(company_id, int) or isinstance(company_id, bool)):
        errors["company_id"] = "must be a company's id"
    elif company_id is not None and not await get_records(principal, "company", [company_id]):
        errors["company_id"] = f"company {company_id} does not exist or is not visible to you"
    category = " ".join(str(values.get("category") or "").split())
    if len(category) > CATEGORY_LENGTH:
        errors["category"] = f"must be at most {CATEGORY_LENGTH} characters, not {len(category)}"
    if company_id is None and not category and "company_id" not in errors:
        errors["company_id"] = ("give a company, a category or both: targets for every ticket of a priority are "
                                "set at /api/v1/desk/sla/policies/{priority}")
    targets = _check_targets(values.get("targets"), errors)
    if errors:
        raise Invalid(errors)
    for other in await list_policies():
        if other["id"] == policy_id:
            continue
        if other["name"].casefold() == name.casefold():
            raise Conflict(f"an SLA policy named “{other['name']}” exists already (id {other['id']})")
        if other["company_id"] == company_id and _same_category(other["category"], category):
            raise Conflict(f"SLA policy “{other['name']}” (id {other['id']}) already covers this company and "
                           "category: change that one")
    return {"name": name, "company_id": company_id, "category": category, "targets": targets}


async def create_policy(principal: Principal, values: dict[str, Any]) -> int:
    clean = await _clean(principal, values, None)
    moment = now()
    [row] = await execute(
        "INSERT INTO desk_sla_policy (name, company_id, category, targets, created_at, updated_at) "
        "VALUES ({}, {}, {}, {}, {}, {}) RETURNING id",
        clean["name"], clean["company_id"], clean["category"], json.dumps(clean["targets"]), moment, moment,
    )
    return row["id"]


async def update_policy(principal: Principal, policy_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """Replace the fields sent; returns the policy as it was."""
    before = await get_policy(policy_id)
    clean = await _clean(principal, before | values, policy_id)
    await execute(
        "UPDATE desk_sla_policy SET name = {}, company_id = {}, category = {}, targets = {}, updated_at = {} "
        "WHERE id = {}",
        clean["name"], clean["company_id"], clean["category"], json.dumps(clean["targets"]), now(), policy_id,
    )
    return before


async def delete_policy(policy_id: int) -> dict[str, Any]:
    before = await get_policy(policy_id)
    await execute("DELETE FROM desk_sla_policy WHERE id = {}", policy_id)
    return before
