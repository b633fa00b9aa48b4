"""What every report counts over: the records the viewer may see, of the people they chose."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import ReportQuery

from crm_platform.db.raw import placeholders
from crm_platform.records.access import visibility_sql


async def report_scope(
    query: ReportQuery, record_type: str, table: str, *, alias: str = "", owner_column: str = "owner",
    person_column: str = "",
) -> tuple[list[str], list[Any]]:
    """WHERE conditions (``{}`` placeholders) keeping the rows of ``table``, a record kind's,
    that ``query.principal`` may read (the ownership rule and every plugin's access
    conditions) and that belong to the people the query chose. ``person_column`` is the
    column naming the person when it is not the owner (a task's assignee)."""
    where, args = await visibility_sql(query.principal, "read", record_type, table, alias=alias,
                                       owner_column=owner_column)
    if query.owner_ids is not None:
        column = person_column or (f"{alias}.{owner_column}" if alias else owner_column)
        if query.owner_ids:
            where.append(f"{column} IN ({placeholders(query.owner_ids)})")
            args += list(query.owner_ids)
        else:
            where.append("1 = 0")
    return where, args


def joined(where: list[str]) -> str:
    """``AND ...`` for each condition, to follow a WHERE that has its own first condition."""
    return "".join(f" AND {condition}" for condition in where)
