"""Record-level access: members see and change what they or their team own; managers and
admins see everything; plugins may narrow either through ``crm_check_access``."""

from __future__ import annotations

import logging
from typing import Any

from crm_hookspecs import AccessFilter, Principal

from crm_platform import runtime
from crm_platform.db.raw import fetch, placeholders
from crm_platform.errors import Forbidden, invalid
from crm_platform.records import kinds
from crm_platform.users.service import team_member_ids

log = logging.getLogger("crm.access")
# A condition no row meets: what a failing or malformed access filter turns into.
NOTHING = ("1 = 0", [])


async def visible_owner_ids(principal: Principal) -> list[int] | None:
    """The owners whose records ``principal`` may see, or ``None`` for all."""
    return None if principal.sees_everything else await team_member_ids(principal)


async def conditions(principal: Principal, action: str, record_type: str) -> list[tuple[str, list[Any]]]:
    """The plugins' SQL conditions (``crm_access_conditions``) a record of ``record_type``
    must meet for ``principal`` to ``action`` it, over the kind's bare columns."""
    found: list[tuple[str, list[Any]]] = []
    for item in await runtime.current().host.call(
        "crm_access_conditions", fail_closed=True, principal=principal, action=action, record_type=record_type
    ):
        if isinstance(item, AccessFilter):
            found.append((f"({item.sql})", list(item.args)))
        else:
            if item is not False:
                log.error("crm_access_conditions returned %s, not AccessFilter; %s records hidden",
                          type(item).__name__, record_type)
            found.append(NOTHING)
    return found


async def visibility_sql(
    principal: Principal, action: str, record_type: str, table: str, *, alias: str = "", owner_column: str = "owner"
) -> tuple[list[str], list[Any]]:
    """WHERE conditions keeping the rows of ``table`` (a record kind's) that ``principal`` may
    ``action``: the ownership rule, then the plugins' conditions. With ``alias``, the
    conditions are qualified for a query that names the table so."""
    where: list[str] = []
    args: list[Any] = []
    prefix = f"{alias}." if alias else ""
    owners = await visible_owner_ids(principal)
    if owners is not None:
        team_column = _team_column(record_type)
        if team_column and principal.team_id is not None:
            where.append(f"({prefix}{owner_column} IN ({placeholders(owners)}) OR {prefix}{team_column} = {{}})")
            args += [*owners, principal.team_id]
        else:
            where.append(f"{prefix}{owner_column} IN ({placeholders(owners)})")
            args += owners
    for condition, condition_args in await conditions(principal, action, record_type):
        if alias:
            # Bare column names would be ambiguous in a join: test the row by its id instead.
            condition = f"{alias}.id IN (SELECT id FROM {table} WHERE {condition})"
        where.append(condition)
        args += condition_args
    return where, args


async def assigned_or_visible_sql(
    principal: Principal, action: str, record_type: str, table: str, *, alias: str = ""
) -> tuple[list[str], list[Any]]:
    """:func:`visibility_sql` for records with an assignee (activities): what the ownership
    rule and the plugins allow, or what is assigned to ``principal`` whoever owns it."""
    where, args = await visibility_sql(principal, action, record_type, table, alias=alias)
    if not where:
        return [], []
    prefix = f"{alias}." if alias else ""
    return [f"(({' AND '.join(where)}) OR {prefix}assignee = {{}})"], [*args, principal.id]


def _team_column(record_type: str) -> str:
    kind = kinds.find(record_type)
    return kind.team_column if kind is not None else ""


def _teams_record(principal: Principal, record_type: str, record: dict[str, Any]) -> bool:
    """Whether the record belongs to the user's team through its kind's ``team_column``."""
    team_column = _team_column(record_type)
    return bool(team_column) and principal.team_id is not None and record.get(team_column) == principal.team_id


async def can(principal: Principal, action: str, record_type: str, record: dict[str, Any]) -> bool:
    if not principal.sees_everything and not _teams_record(principal, record_type, record):
        owner = record.get("owner")
        if owner != principal.id and (owner is None or owner not in await team_member_ids(principal)):
            return False
    vetoes = await runtime.current().host.call(
        "crm_check_access", fail_closed=True, principal=principal, action=action,
        record_type=record_type, record=record,
    )
    if False in vetoes:
        return False
    return await _meets_conditions(principal, action, record_type, record)


async def _meets_conditions(principal: Principal, action: str, record_type: str, record: dict[str, Any]) -> bool:
    extra = await conditions(principal, action, record_type)
    if not extra:
        return True
    kind = kinds.find(record_type)
    if kind is None or record.get("id") is None:
        return False
    where = " AND ".join(condition for condition, _ in extra)
    args = [arg for _, condition_args in extra for arg in condition_args]
    rows = await fetch(f"SELECT id FROM {kinds.table_name(kind)} WHERE id = {{}} AND {where}", record["id"], *args)
    return bool(rows)


async def ensure(principal: Principal, action: str, record_type: str, record: dict[str, Any]) -> None:
    if not await can(principal, action, record_type, record):
        raise Forbidden(f"you do not have access to {record_type} {record.get('id')}")


async def check_owner_assignable(principal: Principal, owner_id: int | None) -> None:
    """A member may hand a record only to themselves or their team."""
    if principal.sees_everything:
        return
    if owner_id is None or owner_id not in await team_member_ids(principal):
        raise invalid("owner_id", "members can assign records only to themselves or their team")
