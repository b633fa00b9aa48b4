"""What an activity is linked to: its participants and the records it is about."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.db.raw import execute, fetch
from crm_platform.errors import Forbidden, Invalid
from crm_platform.records import access
from crm_platform.relationships import ends

PARTICIPANT, ABOUT = "participant", "about"


def _plugin_kind_error(record_type: str) -> str | None:
    slug, dot, name = record_type.partition(".")
    if not dot or not slug or not name:
        return f"must be contact, company or <plugin>.<record>, not {record_type!r}"
    if not runtime.current().host.is_active(slug):
        return f"no active plugin {slug!r} keeps {record_type!r} records"
    return None


async def check(
    principal: Principal, participant_ids: list[int], links: list[dict[str, Any]]
) -> list[tuple[str, int, str]]:
    """``(record_type, record_id, role)`` for each distinct record, a participant's role
    winning over ``about``. Missing records are 422 naming the field; records of another team 403."""
    errors: dict[str, str] = {}
    wanted: list[tuple[str, str, int]] = [
        (f"participant_ids[{index}]", "contact", contact_id)
        for index, contact_id in enumerate(participant_ids)
    ]
    for index, link in enumerate(links):
        kind = link["record_type"]
        if kind in ends.CORE_KINDS:
            wanted.append((f"links[{index}].record_id", kind, link["record_id"]))
        elif (problem := _plugin_kind_error(kind)) is not None:
            errors[f"links[{index}].record_type"] = problem
    found = await ends.load((kind, record_id) for _, kind, record_id in wanted)
    owners = await access.visible_owner_ids(principal)
    for field, kind, record_id in wanted:
        row = found.get((kind, record_id))
        if row is None:
            errors[field] = f"{kind} {record_id} does not exist"
        elif not ends.visible(row["owner"], owners):
            raise Forbidden(f"you do not have access to {kind} {record_id}")
    if errors:
        raise Invalid(errors)
    chosen: dict[tuple[str, int], str] = {("contact", cid): PARTICIPANT for cid in participant_ids}
    for link in links:
        chosen.setdefault((link["record_type"], link["record_id"]), ABOUT)
    return [(kind, record_id, role) for (kind, record_id), role in chosen.items()]


async def replace(activity_id: int, occurred_at: Any, linked: list[tuple[str, int, str]]) -> None:
    """Make the activity's links ``linked``; call inside the activity's transaction."""
    await execute("DELETE FROM crm_activity_link WHERE activity = {}", activity_id)
    if linked:
        values = ", ".join("({}, {}, {}, {}, {})" for _ in linked)
        args: list[Any] = []
        for kind, record_id, role in linked:
            args += [activity_id, kind, record_id, role, occurred_at]
        await execute(
            "INSERT INTO crm_activity_link (activity, record_type, record_id, role, occurred_at) "
            f"VALUES {values}",
            *args,
        )


async def of(activity_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The links of each activity, in one query for any number of activities."""
    found: dict[int, list[dict[str, Any]]] = {activity_id: [] for activity_id in activity_ids}
    if not activity_ids:
        return found
    rows = await fetch(
        "SELECT activity, record_type, record_id, role FROM crm_activity_link "
        f"WHERE activity IN ({ends.placeholders(activity_ids)}) ORDER BY id",
        *activity_ids,
    )
    for row in rows:
        found[row.pop("activity")].append(row)
    return found
