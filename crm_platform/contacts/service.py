"""Contacts: validation, writes (audited, indexed, announced after commit), reads."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import msgspec
from crm_hookspecs import FieldDefinition, Principal
from crm_hookspecs.events import ContactCreated, ContactDeleted, ContactUpdated

from crm_platform import runtime
from crm_platform.audit import service as audit
from crm_platform.contacts.clean import clean_emails, clean_phones, search_terms
from crm_platform.contacts.schemas import ContactIn, ContactPatch
from crm_platform.contacts.tables import LIFECYCLE_STAGES, Contact, LifecycleChange
from crm_platform.db.raw import decode_json_columns, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Conflict, Invalid, NotFound
from crm_platform.records import access, customfields, tags
from crm_platform.records.detach import detach
from crm_platform.search import index as search_index
from crm_platform.users.tables import User

RECORD_TYPE = "contact"
JSON_FIELDS = ("emails", "phones", "tags", "custom")
# What a PATCH may change (``custom`` merges separately).
EDITABLE = (
    "given_name", "family_name", "display_name", "emails", "phones", "job_title", "lifecycle_stage",
    "owner", "tags", "source",
)
# Fields compared for the audit log and the ContactUpdated event.
AUDITED = (
    "given_name", "family_name", "display_name", "primary_email", "emails", "phones", "job_title",
    "lifecycle_stage", "owner", "tags", "source", "custom",
)


def loads_row(row: dict[str, Any]) -> dict[str, Any]:
    return decode_json_columns(row, JSON_FIELDS)


async def rows_by_id(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await fetch(f"SELECT * FROM crm_contact WHERE id IN ({placeholders(ids)})", *ids)
    return {row["id"]: loads_row(row) for row in rows}


async def companies_of(contact_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The companies each contact works at, in one query for any number of contacts."""
    found: dict[int, list[dict[str, Any]]] = {contact_id: [] for contact_id in contact_ids}
    if not contact_ids:
        return found
    rows = await fetch(
        "SELECT r.source_id AS contact_id, c.id, c.name, r.role FROM crm_relationship r "
        "JOIN crm_company c ON c.id = r.target_id "
        f"WHERE r.type = 'works_at' AND r.source_type = 'contact' AND r.source_id IN ({placeholders(contact_ids)}) "
        "AND r.target_type = 'company' ORDER BY c.name",
        *contact_ids,
    )
    for row in rows:
        found[row.pop("contact_id")].append(row)
    return found


async def get(principal: Principal, contact_id: int) -> dict[str, Any]:
    """The contact, if ``principal`` may see it, with the companies it works at."""
    row = (await rows_by_id([contact_id])).get(contact_id)
    if row is None:
        raise NotFound(RECORD_TYPE, contact_id)
    await access.ensure(principal, "read", RECORD_TYPE, row)
    row["companies"] = (await companies_of([contact_id]))[contact_id]
    return row


# --- validation ------------------------------------------------------------------------------


def _display_name(values: dict[str, Any]) -> str:
    name = " ".join(part for part in (values["given_name"], values["family_name"]) if part)
    if name:
        return name
    if values["emails"]:
        return values["emails"][0]["address"]
    if values["phones"]:
        return values["phones"][0]["number"]
    return ""


@dataclass
class Lookups:
    """What validating many contacts at once would otherwise query again for each one."""

    definitions: dict[str, FieldDefinition] | None = None
    owners: dict[int | None, str | None] = field(default_factory=dict)


async def _owner_error(principal: Principal, owner_id: int | None, lookups: Lookups) -> str | None:
    if owner_id not in lookups.owners:
        error = None
        if owner_id is not None and not await User.exists().where(User.id == owner_id):
            error = f"user {owner_id} does not exist"
        else:
            try:
                await access.check_owner_assignable(principal, owner_id)
            except Invalid as exc:
                error = exc.errors["owner_id"]
        lookups.owners[owner_id] = error
    return lookups.owners[owner_id]


async def _clean(
    principal: Principal,
    values: dict[str, Any],
    existing: dict[str, Any] | None,
    lookups: Lookups | None = None,
) -> dict[str, Any]:
    """Validate and normalise a full set of contact fields; raise :class:`Invalid` naming
    every wrong field at once."""
    lookups = lookups or Lookups()
    if lookups.definitions is None:
        lookups.definitions = await customfields.definitions(RECORD_TYPE)
    errors: dict[str, str] = {}
    settings = runtime.current().settings
    values["given_name"] = values["given_name"].strip()
    values["family_name"] = values["family_name"].strip()
    values["emails"] = clean_emails(values["emails"], errors)
    values["phones"] = clean_phones(values["phones"], settings.default_region, errors)
    values["display_name"] = values["display_name"].strip() or _display_name(values)
    if not values["display_name"] and not errors:
        errors["display_name"] = "give a name, an email or a phone number"
    if values["lifecycle_stage"] not in LIFECYCLE_STAGES:
        errors["lifecycle_stage"] = f"must be one of {', '.join(LIFECYCLE_STAGES)}"
    try:
        values["tags"] = tags.normalise(values["tags"])
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        values["custom"] = await customfields.validate(
            RECORD_TYPE, values["custom"], existing["custom"] if existing else None, lookups.definitions
        )
    except Invalid as exc:
        errors.update(exc.errors)
    if existing is None or values["owner"] != existing["owner"]:
        owner_error = await _owner_error(principal, values["owner"], lookups)
        if owner_error:
            errors["owner_id"] = owner_error
    if errors:
        raise Invalid(errors)
    values["primary_email"] = values["emails"][0]["address"] if values["emails"] else None
    return values


async def _ensure_unique_email(primary_email: str | None, contact_id: int | None) -> None:
    if primary_email is None:
        return
    rows = await fetch(
        "SELECT id, display_name FROM crm_contact WHERE primary_email = {}", primary_email
    )
    for row in rows:
        if row["id"] != contact_id:
            raise Conflict(
                f"contact {row['id']} ({row['display_name']}) already has the primary email {primary_email}",
                existing_id=row["id"],
                existing_name=row["display_name"],
            )


def _search_entry(
    contact_id: int, row: dict[str, Any], definitions: dict[str, FieldDefinition] | None = None
) -> search_index.Entry:
    return search_index.Entry(
        kind=RECORD_TYPE,
        record_id=contact_id,
        title=row["display_name"],
        subtitle=row["primary_email"] or row["job_title"] or "",
        terms=tuple(search_terms(row, definitions)),
        owner_id=row["owner"],
    )


def _db_values(values: dict[str, Any]) -> dict[str, Any]:
    """Stored fields, with JSON columns serialised."""
    return {
        name: json.dumps(value) if name in JSON_FIELDS else value
        for name, value in values.items()
        if name in AUDITED or name in ("lifecycle_changed_at", "updated_at")
    }


# --- writes --------------------------------------------------------------------------------


async def create(principal: Principal, data: ContactIn) -> dict[str, Any]:
    values = msgspec.to_builtins(data)
    company_ids = values.pop("company_ids")
    values["owner"] = values.pop("owner_id", principal.id)
    lookups = Lookups()
    values = await _clean(principal, values, None, lookups)
    await _check_companies(principal, company_ids)
    async with unit_of_work() as work:
        await _ensure_unique_email(values["primary_email"], None)
        inserted = await Contact.insert(Contact(**_db_values(values)))
        contact_id = inserted[0]["id"]
        await LifecycleChange.insert(
            LifecycleChange(contact=contact_id, stage_to=values["lifecycle_stage"], changed_by=principal.id)
        )
        await tags.sync(RECORD_TYPE, contact_id, values["tags"])
        await _link_companies(principal, contact_id, company_ids)
        await audit.record(principal.id, RECORD_TYPE, contact_id, "create", audit.diff({}, _audited(values)))
        row = (await _writer_rows([contact_id]))[contact_id]
        await search_index.upsert([_search_entry(row["id"], row, lookups.definitions)])
        work.emit(ContactCreated(actor_id=principal.id, contact_id=contact_id))
    return await get(principal, contact_id)


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in AUDITED if name in values}


async def _writer_rows(ids: list[int]) -> dict[int, dict[str, Any]]:
    # Inside a transaction a read must see the transaction's own writes.
    rows = await Contact.select().where(Contact.id.is_in(ids))
    return {row["id"]: loads_row(row) for row in rows}


async def update(principal: Principal, contact_id: int, patch: ContactPatch) -> dict[str, Any]:
    existing = await get(principal, contact_id)
    await access.ensure(principal, "write", RECORD_TYPE, existing)
    changes = msgspec.to_builtins(patch)  # fields left out of the request are absent here
    if "owner_id" in changes:
        changes["owner"] = changes.pop("owner_id")
    values = {name: existing[name] for name in EDITABLE} | changes
    values["custom"] = changes.get("custom", {})  # merged into the existing values
    renamed = "given_name" in changes or "family_name" in changes
    if renamed and "display_name" not in changes and existing["display_name"] == _display_name(existing):
        values["display_name"] = ""  # it was derived from the name, so derive it again
    lookups = Lookups()
    values = await _clean(principal, values, existing, lookups)
    changed = audit.diff(_audited(existing), _audited(values))
    if not changed:
        return existing
    now = dt.datetime.now(dt.UTC)
    stored = {name: values[name] for name in changed} | {"updated_at": now}
    async with unit_of_work() as work:
        await _ensure_unique_email(values["primary_email"], contact_id)
        if "lifecycle_stage" in changed:
            stored["lifecycle_changed_at"] = now
            await LifecycleChange.insert(
                LifecycleChange(
                    contact=contact_id,
                    stage_from=existing["lifecycle_stage"],
                    stage_to=values["lifecycle_stage"],
                    changed_by=principal.id,
                )
            )
        await Contact.update(_db_values(stored)).where(Contact.id == contact_id)
        if "tags" in changed:
            await tags.sync(RECORD_TYPE, contact_id, values["tags"])
        await audit.record(principal.id, RECORD_TYPE, contact_id, "update", changed)
        row = (await _writer_rows([contact_id]))[contact_id]
        await search_index.upsert([_search_entry(row["id"], row, lookups.definitions)])
        work.emit(ContactUpdated(actor_id=principal.id, contact_id=contact_id, changes=changed))
    return await get(principal, contact_id)


async def delete(principal: Principal, contact_id: int) -> None:
    existing = await get(principal, contact_id)
    await access.ensure(principal, "delete", RECORD_TYPE, existing)
    async with unit_of_work() as work:
        await detach(RECORD_TYPE, contact_id)
        await Contact.delete().where(Contact.id == contact_id)
        await audit.record(principal.id, RECORD_TYPE, contact_id, "delete", audit.diff(_audited(existing), {}))
        work.emit(ContactDeleted(actor_id=principal.id, contact_id=contact_id))


# --- companies a contact works at -----------------------------------------------------------


async def _check_companies(principal: Principal, company_ids: list[int]) -> None:
    if not company_ids:
        return
    rows = await fetch(f"SELECT id, owner FROM crm_company WHERE id IN ({placeholders(company_ids)})", *company_ids)
    found = {row["id"]: row for row in rows}
    errors = {}
    for index, company_id in enumerate(company_ids):
        row = found.get(company_id)
        if row is None or not await access.can(principal, "read", "company", row):
            errors[f"company_ids[{index}]"] = f"company {company_id} does not exist"
    if errors:
        raise Invalid(errors)


async def _link_companies(principal: Principal, contact_id: int, company_ids: list[int]) -> None:
    from crm_platform.relationships.tables import Relationship

    rows = [
        Relationship(
            type="works_at", source_type="contact", source_id=contact_id,
            target_type="company", target_id=company_id, created_by=principal.id,
        )
        for company_id in dict.fromkeys(company_ids)
    ]
    if rows:
        await Relationship.insert(*rows)
