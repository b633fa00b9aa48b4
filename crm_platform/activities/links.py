"""What an activity is linked to: its participants and the records it is about."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crm_hookspecs import Principal

from crm_platform.db.bulk import Inserts
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.errors import Invalid
from crm_platform.records import kinds, pipeline

PARTICIPANT, ABOUT = "participant", "about"


async def check(
    principal: Principal, participant_ids: list[int], links: list[dict[str, Any]],
    kept: Sequence[dict[str, Any]] = (),
) -> list[tuple[str, int, str]]:
    """``(record_type, record_id, role)`` for each distinct record, a participant's role
    winning over ``about``. Every newly linked record must exist and be one ``principal``
    may change, whatever its kind, since the link puts the activity on its timeline: a
    missing record, one of another team, or a kind no enabled plugin keeps is a 422 naming
    the field (in the same words for missing and hidden, which tells nothing of the hidden
    one). Links in ``kept`` (the activity's current ones) stay without a second check."""
    wanted, errors = _wanted(participant_ids, links, kept)
    try:
        await pipeline.ensure_visible(principal, wanted, "write", conceal=True)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    return _chosen(participant_ids, links)


async def check_many(
    principal: Principal, requests: Sequence[tuple[list[int], list[dict[str, Any]]]], field_name: str = "items"
) -> list[list[tuple[str, int, str]]]:
    """:func:`check` for the ``(participant_ids, links)`` of many new activities at once, in
    one query per kind of record linked; errors are named ``items[3].participant_ids[0]``."""
    wanted: list[tuple[str, str, int]] = []
    errors: dict[str, str] = {}
    for index, (participant_ids, links) in enumerate(requests):
        refs, problems = _wanted(participant_ids, links, ())
        wanted += [(f"{field_name}[{index}].{name}", kind, record_id) for name, kind, record_id in refs]
        errors.update({f"{field_name}[{index}].{name}": message for name, message in problems.items()})
    try:
        await pipeline.ensure_visible(principal, wanted, "write", conceal=True)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    return [_chosen(participant_ids, links) for participant_ids, links in requests]


def _wanted(
    participant_ids: list[int], links: list[dict[str, Any]], kept: Sequence[dict[str, Any]]
) -> tuple[list[tuple[str, str, int]], dict[str, str]]:
    """The ``(field, kind, id)`` of each newly linked record to check, and the links that
    name no linkable kind."""
    already = {(link["record_type"], link["record_id"]) for link in kept}
    wanted: list[tuple[str, str, int]] = [
        (f"participant_ids[{index}]", "contact", contact_id)
        for index, contact_id in enumerate(participant_ids) if ("contact", contact_id) not in already
    ]
    errors: dict[str, str] = {}
    for index, link in enumerate(links):
        field = f"links[{index}].record_type"
        try:
            if kinds.get(link["record_type"], field).key == "activity":
                raise Invalid({field: "an activity is linked to records, not to another activity"})
        except Invalid as exc:
            errors.update(exc.errors)
            continue
        if (link["record_type"], link["record_id"]) not in already:
            wanted.append((f"links[{index}].record_id", link["record_type"], link["record_id"]))
    return wanted, errors


def _chosen(participant_ids: list[int], links: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    chosen: dict[tuple[str, int], str] = {("contact", cid): PARTICIPANT for cid in participant_ids}
    for link in links:
        chosen.setdefault((link["record_type"], link["record_id"]), ABOUT)
    return [(kind, record_id, role) for (kind, record_id), role in chosen.items()]


async def insert_many(activities: Sequence[tuple[int, Any, list[tuple[str, int, str]]]]) -> None:
    """The links of many new activities, ``(activity_id, occurred_at, linked)`` each, in as few
    statements as the engine allows; call inside their transaction."""
    rows = [(activity_id, kind, record_id, role, occurred_at)
            for activity_id, occurred_at, linked in activities for kind, record_id, role in linked]
    inserts = Inserts()
    inserts.add("crm_activity_link", ("activity", "record_type", "record_id", "role", "occurred_at"), rows)
    await inserts.done()


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
        f"WHERE activity IN ({placeholders(activity_ids)}) ORDER BY id",
        *activity_ids,
    )
    for row in rows:
        found[row.pop("activity")].append(row)
    return found
