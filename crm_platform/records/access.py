"""Record-level access: members see and change what they or their team own; managers and
admins see everything; plugins may narrow either through ``crm_check_access``."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.errors import Forbidden, invalid
from crm_platform.users.service import team_member_ids


async def visible_owner_ids(principal: Principal) -> list[int] | None:
    """The owners whose records ``principal`` may see, or ``None`` for all."""
    return None if principal.sees_everything else await team_member_ids(principal)


async def can(principal: Principal, action: str, record_type: str, record: dict[str, Any]) -> bool:
    if not principal.sees_everything:
        owner = record.get("owner")
        if owner != principal.id and (owner is None or owner not in await team_member_ids(principal)):
            return False
    vetoes = await runtime.current().host.call(
        "crm_check_access", fail_closed=True, principal=principal, action=action,
        record_type=record_type, record=record,
    )
    return False not in vetoes


async def ensure(principal: Principal, action: str, record_type: str, record: dict[str, Any]) -> None:
    if not await can(principal, action, record_type, record):
        raise Forbidden(f"you do not have access to {record_type} {record.get('id')}")


async def check_owner_assignable(principal: Principal, owner_id: int | None) -> None:
    """A member may hand a record only to themselves or their team."""
    if principal.sees_everything:
        return
    if owner_id is None or owner_id not in await team_member_ids(principal):
        raise invalid("owner_id", "members can assign records only to themselves or their team")
