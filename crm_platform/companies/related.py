"""Around a company: the people who work there, and its place in a group of companies."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform.companies import service
from crm_platform.db.raw import fetch, placeholders
from crm_platform.records import pipeline
from crm_platform.records.pagination import Sort, check_limit, encode_cursor, keyset_condition, order_by

MAX_DEPTH = 10


async def people(
    principal: Principal, company_id: int, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Contacts who work at the company and whom ``principal`` may see, by name."""
    await service.get(principal, company_id)
    limit = check_limit(limit)
    order = Sort("display_name", descending=False)
    conditions = ["r.type = 'works_at'", "r.target_type = 'company'", "r.target_id = {}"]
    args: list[Any] = [company_id]
    visible, visible_args = await pipeline.visibility(principal, "contact", alias="c")
    conditions += visible
    args += visible_args
    after, after_args = keyset_condition(order, cursor, "c")
    if after:
        conditions.append(after)
        args += after_args
    rows = await fetch(
        "SELECT c.id, c.display_name, c.primary_email, c.job_title, r.role, r.id AS relationship_id FROM crm_relationship r "
        "JOIN crm_contact c ON r.source_type = 'contact' AND c.id = r.source_id "
        f"WHERE {' AND '.join(conditions)} ORDER BY {order_by(order, 'c')} LIMIT {limit + 1}",
        *args,
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["display_name"], rows[-1]["id"])
    return rows, next_cursor


async def hierarchy(principal: Principal, company_id: int, depth: int = 3) -> dict[str, Any]:
    """Visible ancestors and descendants up to ``depth`` levels away, one query per level.

    A company the caller may not see ends its branch: nothing above or below it is shown.
    """
    company = await service.get(principal, company_id)
    visible, visible_args = await pipeline.visibility(principal, "company")
    visible_sql = "".join(f" AND {part}" for part in visible)

    def node(row: dict[str, Any], level: int) -> dict[str, Any]:
        return {"id": row["id"], "name": row["name"], "parent_id": row["parent"], "depth": level}

    ancestors: list[dict[str, Any]] = []
    parent_id = company["parent"]
    seen = {company_id}
    for level in range(1, depth + 1):
        if parent_id is None or parent_id in seen:
            break
        rows = await fetch(
            f"SELECT id, name, parent FROM crm_company WHERE id = {{}}{visible_sql}", parent_id, *visible_args
        )
        if not rows:
            break
        ancestors.append(node(rows[0], -level))
        seen.add(parent_id)
        parent_id = rows[0]["parent"]

    descendants: list[dict[str, Any]] = []
    frontier = [company_id]
    for level in range(1, depth + 1):
        if not frontier:
            break
        rows = await fetch(
            f"SELECT id, name, parent FROM crm_company WHERE parent IN ({placeholders(frontier)})"
            f"{visible_sql} ORDER BY name, id",
            *frontier,
            *visible_args,
        )
        rows = [row for row in rows if row["id"] not in seen]
        seen.update(row["id"] for row in rows)
        descendants += [node(row, level) for row in rows]
        frontier = [row["id"] for row in rows]
    return {"company": node(company, 0), "ancestors": ancestors, "descendants": descendants}
