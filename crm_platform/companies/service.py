"""Companies: validation, writes (audited, indexed, announced after commit), reads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
from crm_hookspecs import FieldDefinition, Principal
from crm_hookspecs.events import CompanyCreated, CompanyDeleted, CompanyUpdated

from crm_platform.audit import service as audit
from crm_platform.companies.clean import SIZES, clean_domains
from crm_platform.companies.schemas import CompanyIn, CompanyPatch
from crm_platform.companies.tables import Company
from crm_platform.db.raw import decode_json_columns, execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid, NotFound
from crm_platform.records import access, customfields, tags
from crm_platform.records.detach import detach
from crm_platform.search import index as search_index
from crm_platform.users.tables import User

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
    rows = await fetch("SELECT * FROM crm_company WHERE id = {}", company_id)
    if not rows:
        raise NotFound(RECORD_TYPE, company_id)
    row = loads_row(rows[0])
    await access.ensure(principal, action, RECORD_TYPE, row)
    return row


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


async def owner_error(principal: Principal, owner_id: int | None) -> str | None:
    """Why ``owner_id`` cannot own a record ``principal`` writes, or ``None`` if it can."""
    if owner_id is not None and not await User.exists().where(User.id == owner_id):
        return f"user {owner_id} does not exist"
    try:
        await access.check_owner_assignable(principal, owner_id)
    except Invalid as exc:
        return exc.errors["owner_id"]
    return None


async def _clean(
    principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    """Validate and normalise a full set of company fields, naming every wrong field at once."""
    errors: dict[str, str] = {}
    values["name"] = " ".join(values["name"].split())
    if not values["name"]:
        errors["name"] = "is required"
    values["domains"] = clean_domains(values["domains"], errors)
    values["industry"] = values["industry"].strip()
    if values["size"] not in SIZES:
        errors["size"] = f"must be one of {', '.join(repr(size) for size in SIZES)}"
    try:
        values["tags"] = tags.normalise(values["tags"])
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        values["custom"] = await customfields.validate(
            RECORD_TYPE, values["custom"], existing["custom"] if existing else None
        )
    except Invalid as exc:
        errors.update(exc.errors)
    if values["parent"] is not None and (existing is None or values["parent"] != existing["parent"]):
        parent_error = await _parent_error(principal, values["parent"], existing["id"] if existing else None)
        if parent_error:
            errors["parent_id"] = parent_error
    if existing is None or values["owner"] != existing["owner"]:
        problem = await owner_error(principal, values["owner"])
        if problem:
            errors["owner_id"] = problem
    if errors:
        raise Invalid(errors)
    return values


def _search_entry(row: dict[str, Any], definitions: dict[str, FieldDefinition]) -> search_index.Entry:
    return search_index.Entry(
        kind=RECORD_TYPE,
        record_id=row["id"],
        title=row["name"],
        subtitle=row["domains"][0] if row["domains"] else row["industry"],
        terms=(row["name"], *row["domains"], *customfields.searchable_terms(definitions, row["custom"])),
        owner_id=row["owner"],
    )


def _db_values(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: json.dumps(value) if name in JSON_FIELDS else value
        for name, value in values.items()
        if name in AUDITED or name == "updated_at"
    }


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in AUDITED if name in values}


async def _writer_row(company_id: int) -> dict[str, Any]:
    # Inside a transaction a read must see the transaction's own writes.
    rows = await Company.select().where(Company.id == company_id)
    return loads_row(rows[0])


def _from_api(fields: dict[str, Any]) -> dict[str, Any]:
    renamed = {"owner_id": "owner", "parent_id": "parent"}
    return {renamed.get(name, name): value for name, value in fields.items()}


# --- writes --------------------------------------------------------------------------------


async def create(principal: Principal, data: CompanyIn) -> dict[str, Any]:
    values = _from_api(msgspec.to_builtins(data))
    values.setdefault("owner", principal.id)
    values = await _clean(principal, values, None)
    definitions = await customfields.definitions(RECORD_TYPE)  # for the searchable ones' terms
    async with unit_of_work() as work:
        inserted = await Company.insert(Company(**_db_values(values)))
        company_id = inserted[0]["id"]
        await tags.sync(RECORD_TYPE, company_id, values["tags"])
        await audit.record(principal.id, RECORD_TYPE, company_id, "create", audit.diff({}, _audited(values)))
        await search_index.upsert([_search_entry(await _writer_row(company_id), definitions)])
        work.emit(CompanyCreated(actor_id=principal.id, company_id=company_id))
    return await get(principal, company_id)


async def update(principal: Principal, company_id: int, patch: CompanyPatch) -> dict[str, Any]:
    existing = await get(principal, company_id, "write")
    changes = _from_api(msgspec.to_builtins(patch))  # fields left out of the request are absent
    values = {name: existing[name] for name in EDITABLE} | changes
    values["custom"] = changes.get("custom", {})  # merged into the existing values
    values = await _clean(principal, values, existing)
    changed = audit.diff(_audited(existing), _audited(values))
    if not changed:
        return existing
    definitions = await customfields.definitions(RECORD_TYPE)  # for the searchable ones' terms
    stored = {name: values[name] for name in changed} | {"updated_at": dt.datetime.now(dt.UTC)}
    async with unit_of_work() as work:
        await Company.update(_db_values(stored)).where(Company.id == company_id)
        if "tags" in changed:
            await tags.sync(RECORD_TYPE, company_id, values["tags"])
        await audit.record(principal.id, RECORD_TYPE, company_id, "update", changed)
        await search_index.upsert([_search_entry(await _writer_row(company_id), definitions)])
        work.emit(CompanyUpdated(actor_id=principal.id, company_id=company_id, changes=changed))
    return await get(principal, company_id)


async def delete(principal: Principal, company_id: int) -> None:
    """Delete the company; its subsidiaries stay, without a parent."""
    existing = await get(principal, company_id, "delete")
    async with unit_of_work() as work:
        await execute("UPDATE crm_company SET parent = NULL WHERE parent = {}", company_id)
        await detach(RECORD_TYPE, company_id)
        await Company.delete().where(Company.id == company_id)
        removed = audit.diff(_audited(existing), {})
        await audit.record(principal.id, RECORD_TYPE, company_id, "delete", removed)
        work.emit(CompanyDeleted(actor_id=principal.id, company_id=company_id))
