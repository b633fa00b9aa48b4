"""Companies: validation, writes (audited, indexed, announced after commit), reads."""

from __future__ import annotations

from typing import Any

import msgspec
from crm_hookspecs import Event, Principal, RecordKind, RecordWrite, SearchText
from crm_hookspecs.events import CompanyCreated, CompanyDeleted, CompanyUpdated

from crm_platform.companies.clean import SIZES, clean_domains
from crm_platform.companies.schemas import CompanyIn, CompanyPatch
from crm_platform.companies.tables import Company
from crm_platform.db.raw import decode_json_columns, execute, fetch
from crm_platform.errors import Invalid
from crm_platform.records import access, pipeline

RECORD_TYPE = "company"
JSON_FIELDS = ("domains", "tags", "custom")
EDITABLE = ("name", "domains", "industry", "size", "parent", "owner", "tags")
AUDITED = (*EDITABLE, "custom")
# Deeper than any real group of companies; bounds the cycle check.
MAX_HIERARCHY_DEPTH = 100


def loads_row(row: dict[str, Any]) -> dict[str, Any]:
    return decode_json_columns(row, JSON_FIELDS)


async def get(principal: Principal, company_id: int, action: str = "read") -> dict[str, Any]:
    """The company, if ``principal`` may ``action`` it."""
    return await pipeline.read_one(principal, RECORD_TYPE, company_id, action)


# --- validation ------------------------------------------------------------------------------


async def _parent_error(principal: Principal, parent_id: int, company_id: int | None) -> str | None:
    rows = await fetch("SELECT id, owner FROM crm_company WHERE id = {}", parent_id)
    if not rows or not await access.can(principal, "read", RECORD_TYPE, rows[0]):
        return f"company {parent_id} does not exist"
    if company_id is None:
        return None
    if parent_id == company_id:
        return "a company cannot be its own parent"
    ancestors = await fetch(
        "WITH RECURSIVE up(id, parent, depth) AS ("
        "SELECT id, parent, 1 FROM crm_company WHERE id = {} "
        "UNION ALL SELECT c.id, c.parent, up.depth + 1 FROM crm_company c JOIN up ON c.id = up.parent "
        f"WHERE up.depth < {MAX_HIERARCHY_DEPTH}) "
        "SELECT id FROM up WHERE id = {}",
        parent_id,
        company_id,
    )
    if ancestors:
        return f"company {parent_id} is already below this company; that would make a cycle"
    return None


async def _clean(
    principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    """Validate and normalise the company's own fields (the pipeline checks owner, tags and
    custom fields), naming every wrong field at once."""
    errors: dict[str, str] = {}
    values["name"] = " ".join(values["name"].split())
    if not values["name"]:
        errors["name"] = "is required"
    values["domains"] = clean_domains(values["domains"], errors)
    values["industry"] = values["industry"].strip()
    if values["size"] not in SIZES:
        errors["size"] = f"must be one of {', '.join(repr(size) for size in SIZES)}"
    if values["parent"] is not None and (existing is None or values["parent"] != existing["parent"]):
        parent_error = await _parent_error(principal, values["parent"], existing["id"] if existing else None)
        if parent_error:
            errors["parent_id"] = parent_error
    if errors:
        raise Invalid(errors)
    return values


def _search_text(row: dict[str, Any]) -> SearchText:
    subtitle = row["domains"][0] if row["domains"] else row["industry"]
    return SearchText(row["name"], subtitle, (row["name"], *row["domains"]))


async def _after_write(write: RecordWrite) -> list[Event]:
    actor_id, company_id = write.principal.id, write.record_id
    if write.action == "create":
        return [CompanyCreated(actor_id=actor_id, company_id=company_id)]
    if write.action == "update":
        return [CompanyUpdated(actor_id=actor_id, company_id=company_id, changes=write.changes)] if write.changes else []
    # Its subsidiaries stay, without a parent.
    await execute("UPDATE crm_company SET parent = NULL WHERE parent = {}", company_id)
    return [CompanyDeleted(actor_id=actor_id, company_id=company_id)]


KIND = RecordKind(
    key=RECORD_TYPE, label="Company", plural="Companies", table=Company, title_column="name",
    url="/companies/{id}", audited=AUDITED, search=_search_text, clean=_clean,
    after_write=_after_write, custom_fields=True, tags=True,
)


def _from_api(fields: dict[str, Any]) -> dict[str, Any]:
    renamed = {"owner_id": "owner", "parent_id": "parent"}
    return {renamed.get(name, name): value for name, value in fields.items()}


# --- writes --------------------------------------------------------------------------------


async def create(principal: Principal, data: CompanyIn) -> dict[str, Any]:
    values = _from_api(msgspec.to_builtins(data))
    company_id = await pipeline.create(principal, RECORD_TYPE, values)
    return await get(principal, company_id)


async def update(principal: Principal, company_id: int, patch: CompanyPatch) -> dict[str, Any]:
    existing = await get(principal, company_id, "write")
    changes = _from_api(msgspec.to_builtins(patch))  # fields left out of the request are absent
    if not await pipeline.update(principal, RECORD_TYPE, company_id, changes, existing=existing):
        return existing
    return await get(principal, company_id)


async def delete(principal: Principal, company_id: int) -> int:
    """Move the company to the trash (its subsidiaries stay, without a parent, until it is
    restored); returns the trash entry's id."""
    return await pipeline.delete(principal, RECORD_TYPE, company_id, existing=await get(principal, company_id, "delete"))
