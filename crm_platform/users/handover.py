"""Handing over what someone who leaves still owns: their open records of every kind.

Every record kind is handed over, the plugins' too: the records whose ``owner_column`` (or
one of the kind's ``handover_columns``, such as a task's assignee) is the leaving user and
that meet the kind's ``open_condition`` (open deals, tasks not done; every contact and
company). They go to one user, or round-robin across a team's active members. It is one
unit of work with a constant number of statements per kind, whatever the number of records:
each moved record gets its audit entry, its search entry follows its new owner, and the
leaving user gets one entry with the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from crm_hookspecs import Principal, RecordKind

from crm_platform import clock
from crm_platform.audit import service as audit
from crm_platform.db.bulk import Inserts, stored
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid, NotFound
from crm_platform.records import kinds
from crm_platform.users import security_events
from crm_platform.users.accounts import get_user, require_admin

_encode = msgspec.json.Encoder().encode


@dataclass(frozen=True)
class HandOver:
    from_user_id: int
    to_user_ids: list[int]
    # Records moved, by kind key (kinds with nothing to move are left out).
    moved: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.moved.values())


async def _targets(from_user_id: int, to_user_id: int | None, team_id: int | None) -> list[int]:
    if (to_user_id is None) == (team_id is None):
        raise Invalid({"to": "name one user to hand over to, or one team to share it across"})
    if to_user_id is not None:
        if to_user_id == from_user_id:
            raise Invalid({"to": "hand over to someone else than the user who leaves"})
        target = await get_user(to_user_id)
        if not target["is_active"]:
            raise Invalid({"to": f"{target['email']} is disabled; choose an active user"})
        return [to_user_id]
    if not await fetch("SELECT id FROM crm_team WHERE id = {}", team_id):
        raise NotFound("team", team_id)
    rows = await fetch(
        "SELECT id FROM crm_user WHERE team = {} AND is_active = {} AND id <> {} ORDER BY id", team_id, True,
        from_user_id,
    )
    if not rows:
        raise Invalid({"team": "the team has no active member other than the user who leaves"})
    return [row["id"] for row in rows]


def _user_columns(kind: RecordKind) -> list[str]:
    present = kinds.columns(kind)
    return [name for name in dict.fromkeys((kind.owner_column, *kind.handover_columns)) if name in present]


def _match(kind: RecordKind, columns: list[str]) -> str:
    """Rows the leaving user holds in one of ``columns``, with ``{}`` for its id once per column."""
    held = " OR ".join(f"{name} = {{}}" for name in columns)
    return f"({held})" + (f" AND ({kind.open_condition})" if kind.open_condition else "")


async def _hand_over_kind(kind: RecordKind, actor_id: int | None, from_id: int, targets: list[int],
                          inserts: Inserts, now: Any) -> list[int]:
    """Move the records of ``kind`` ``from_id`` holds; their ids."""
    columns = _user_columns(kind)
    if not columns:
        return []
    table = kinds.table_name(kind)
    match = _match(kind, columns)
    held = await fetch(f"SELECT id, {', '.join(columns)} FROM {table} WHERE {match} ORDER BY id",
                       *[from_id] * len(columns))
    if not held:
        return []
    # The n-th record (by id) goes to targets[n % len(targets)]: the audit entries built here
    # and the single UPDATE below number the same rows in the same order.
    audit_rows = []
    for position, row in enumerate(held):
        target = targets[position % len(targets)]
        changes = {name: {"from": from_id, "to": target} for name in columns if row[name] == from_id}
        audit_rows.append((row["id"], _encode(changes).decode()))
    # User ids are integers read from the database, written in as literals so that both
    # engines type the CASE as the column's integer.
    slot = " ".join(f"WHEN {index} THEN {int(target)}" for index, target in enumerate(targets))
    assignments = [f"{name} = CASE WHEN {table}.{name} = {int(from_id)} THEN (CASE ranked.slot {slot} END) "
                   f"ELSE {table}.{name} END" for name in columns]
    args: list[Any] = []
    if "updated_at" in kinds.columns(kind):
        assignments.append("updated_at = {}")
        args.append(stored(now))
    await execute(
        f"WITH ranked AS (SELECT id AS handed_id, (ROW_NUMBER() OVER (ORDER BY id) - 1) % {len(targets)} AS slot "
        f"FROM {table} WHERE {match}) "
        f"UPDATE {table} SET {', '.join(assignments)} FROM ranked WHERE {table}.id = ranked.handed_id",
        *[from_id] * len(columns), *args,
    )
    if kind.owner_column in columns:
        # Search answers by owner: the entries of the moved records follow them.
        await execute(
            f"UPDATE crm_search_entry SET owner_id = moved.{kind.owner_column} FROM {table} moved "
            f"WHERE crm_search_entry.kind = {{}} AND crm_search_entry.owner_id = {{}} "
            f"AND moved.id = crm_search_entry.record_id AND moved.{kind.owner_column} <> {{}}",
            kind.key, from_id, from_id,
        )
    await audit.add_many(("record_id", "changes"), audit_rows,
                         {"at": stored(now), "actor_id": actor_id, "record_type": kind.key, "action": "update"})
    return [row["id"] for row in held]


async def hand_over(actor: Principal | None, from_user_id: int, *, to_user_id: int | None = None,
                    team_id: int | None = None) -> HandOver:
    """Move ``from_user_id``'s open records of every active kind to ``to_user_id``, or
    round-robin across the active members of ``team_id``; all or nothing."""
    if actor is not None:
        require_admin(actor, "hand over records")
    await get_user(from_user_id)
    targets = await _targets(from_user_id, to_user_id, team_id)
    now = clock.now()
    moved: dict[str, int] = {}
    actor_id = actor.id if actor else None
    async with unit_of_work():
        inserts = Inserts()
        held: dict[str, list[int]] = {}
        for key, kind in sorted(kinds.active().items()):
            held[key] = await _hand_over_kind(kind, actor_id, from_user_id, targets, inserts, now)
            if held[key]:
                moved[key] = len(held[key])
        await inserts.done()
        await security_events.record(actor_id, from_user_id, security_events.HANDED_OVER, to=targets,
                                     team_id=team_id, moved=moved)
    # One UPDATE sends no event per record: the reports' counts follow the new owners here.
    from crm_platform.reports import aggregates, contact_aggregates

    await aggregates.reconcile(held.get(aggregates.KIND, []))
    await contact_aggregates.reconcile(held.get(contact_aggregates.KIND, []))
    return HandOver(from_user_id=from_user_id, to_user_ids=targets, moved=moved)
