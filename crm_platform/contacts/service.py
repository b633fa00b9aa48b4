"""Contacts: validation, writes (audited, indexed, announced after commit), reads."""

from __future__ import annotations

from typing import Any

import msgspec
from crm_hookspecs import Event, FieldDefinition, Principal, RecordKind, RecordWrite, SearchText
from crm_hookspecs.events import ContactCreated, ContactDeleted, ContactUpdated

from crm_platform import clock
from crm_platform.contacts.clean import clean_emails, clean_phones, search_terms
from crm_platform.contacts.schemas import ContactIn, ContactPatch
from crm_platform.contacts.tables import LIFECYCLE_STAGES, Contact, LifecycleChange
from crm_platform.db.raw import decode_json_columns, fetch, placeholders
from crm_platform.errors import Conflict, Invalid
from crm_platform.records import access, pipeline
from crm_platform.regional import preferences as regional
from crm_platform.search import index as search_index

RECORD_TYPE = "contact"
JSON_FIELDS = ("emails", "phones", "tags", "custom")
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


async def companies_of(principal: Principal, contact_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The companies each contact works at that ``principal`` may see (by the companies' own
    visibility rule), in one query for any number of contacts."""
    found: dict[int, list[dict[str, Any]]] = {contact_id: [] for contact_id in contact_ids}
    if not contact_ids:
        return found
    visible, visible_args = await pipeline.visibility(principal, "company", alias="c")
    rows = await fetch(
        "SELECT r.source_id AS contact_id, c.id, c.name, r.role FROM crm_relationship r "
        "JOIN crm_company c ON c.id = r.target_id "
        f"WHERE r.type = 'works_at' AND r.source_type = 'contact' AND r.source_id IN ({placeholders(contact_ids)}) "
        f"AND r.target_type = 'company'{''.join(f' AND {part}' for part in visible)} ORDER BY c.name",
        *contact_ids, *visible_args,
    )
    for row in rows:
        found[row.pop("contact_id")].append(row)
    return found


async def get(principal: Principal, contact_id: int) -> dict[str, Any]:
    """The contact, if ``principal`` may see it, with the companies it works at."""
    row = await pipeline.read_one(principal, RECORD_TYPE, contact_id)
    row["companies"] = (await companies_of(principal, [contact_id]))[contact_id]
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


def _clean(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """Validate and normalise the contact's own fields (the pipeline checks owner, tags and
    custom fields); raise :class:`Invalid` naming every wrong field at once."""
    errors: dict[str, str] = {}
    # A plugin's create_record may give only some fields; the others take their defaults.
    values["given_name"] = (values.get("given_name") or "").strip()
    values["family_name"] = (values.get("family_name") or "").strip()
    values["emails"] = clean_emails(values.get("emails") or [], errors)
    values["phones"] = clean_phones(values.get("phones") or [], regional.phone_region(), errors)
    values.setdefault("lifecycle_stage", "lead")
    values["display_name"] = (values.get("display_name") or "").strip() or _display_name(values)
    if not values["display_name"] and not errors:
        errors["display_name"] = "give a name, an email or a phone number"
    if values["lifecycle_stage"] not in LIFECYCLE_STAGES:
        errors["lifecycle_stage"] = f"must be one of {', '.join(LIFECYCLE_STAGES)}"
    if errors:
        raise Invalid(errors)
    values["primary_email"] = values["emails"][0]["address"] if values["emails"] else None
    if existing is not None and values["lifecycle_stage"] != existing["lifecycle_stage"]:
        values["lifecycle_changed_at"] = clock.now()
    return values


async def email_taken(principal: Principal, contact_id: int, email: str) -> Conflict:
    """The refusal of ``email``, already the primary email of contact ``contact_id``: it names
    and links that contact only for a caller who may see it; anyone else learns no more than
    that the address is taken."""
    visible = await pipeline.read_many(principal, RECORD_TYPE, [contact_id])
    if contact_id not in visible:
        return Conflict(f"the email {email} is already taken by another contact")
    name = visible[contact_id]["display_name"]
    return Conflict(
        f"contact {contact_id} ({name}) already has the primary email {email}",
        existing_id=contact_id, existing_name=name,
    )


async def _ensure_unique_email(principal: Principal, primary_email: str | None, contact_id: int | None) -> None:
    if primary_email is None:
        return
    rows = await fetch("SELECT id FROM crm_contact WHERE primary_email = {}", primary_email)
    for row in rows:
        if row["id"] != contact_id:
            raise await email_taken(principal, row["id"], primary_email)


def search_entry(
    contact_id: int, row: dict[str, Any], definitions: dict[str, FieldDefinition] | None = None
) -> search_index.Entry:
    """The contact's search entry; with ``definitions``, the values of its searchable custom
    fields too (the pipeline adds those itself for a single write)."""
    return search_index.Entry(
        kind=RECORD_TYPE,
        record_id=contact_id,
        title=row["display_name"],
        subtitle=row["primary_email"] or row["job_title"] or "",
        terms=tuple(search_terms(row, definitions)),
        owner_id=row["owner"],
    )


def _search_text(row: dict[str, Any]) -> SearchText:
    entry = search_entry(row["id"], row)
    return SearchText(entry.title, entry.subtitle, entry.terms)


async def _after_write(write: RecordWrite) -> list[Event]:
    """The contact's lifecycle history and, when it is new, the companies it works at."""
    actor_id, contact_id = write.principal.id, write.record_id
    if write.action == "delete":
        return [ContactDeleted(actor_id=actor_id, contact_id=contact_id)]
    values = write.values or {}
    if write.existing is None or "lifecycle_stage" in write.changes:
        await LifecycleChange.insert(
            LifecycleChange(
                contact=contact_id,
                stage_from=write.existing["lifecycle_stage"] if write.existing else None,
                stage_to=values["lifecycle_stage"],
                # The platform's clock, as lifecycle_changed_at, so the history and the reports agree.
                changed_at=clock.now(),
                changed_by=actor_id,
            )
        )
    if write.existing is None:
        await _link_companies(write.principal, contact_id, values.get("company_ids") or [])
        return [ContactCreated(actor_id=actor_id, contact_id=contact_id)]
    return [ContactUpdated(actor_id=actor_id, contact_id=contact_id, changes=write.changes)] if write.changes else []


KIND = RecordKind(
    key=RECORD_TYPE, label="Contact", plural="Contacts", table=Contact, title_column="display_name",
    url="/contacts/{id}", audited=AUDITED, search=_search_text, clean=_clean, after_write=_after_write,
    custom_fields=True, tags=True,
    personal_data=("given_name", "family_name", "display_name", "emails", "phones", "job_title", "custom"),
)


# --- writes --------------------------------------------------------------------------------


async def create(principal: Principal, data: ContactIn) -> dict[str, Any]:
    values = msgspec.to_builtins(data)
    values["owner"] = values.pop("owner_id", principal.id)
    lookups = pipeline.Lookups()
    values = await pipeline.validate(principal, KIND, values, None, lookups=lookups)
    await _check_companies(principal, values["company_ids"])
    await _ensure_unique_email(principal, values["primary_email"], None)
    contact_id = await pipeline.create(principal, RECORD_TYPE, values, validated=lookups)
    return await get(principal, contact_id)


async def update(principal: Principal, contact_id: int, patch: ContactPatch) -> dict[str, Any]:
    existing = await get(principal, contact_id)
    await access.ensure(principal, "write", RECORD_TYPE, existing)
    changes = msgspec.to_builtins(patch)  # fields left out of the request are absent here
    if "owner_id" in changes:
        changes["owner"] = changes.pop("owner_id")
    renamed = "given_name" in changes or "family_name" in changes
    if renamed and "display_name" not in changes and existing["display_name"] == _display_name(existing):
        changes["display_name"] = ""  # it was derived from the name, so derive it again
    if changes.get("emails"):
        emails = clean_emails(changes["emails"], {})
        await _ensure_unique_email(principal, emails[0]["address"] if emails else None, contact_id)
    if not await pipeline.update(principal, RECORD_TYPE, contact_id, changes, existing=existing):
        return existing
    return await get(principal, contact_id)


async def delete(principal: Principal, contact_id: int) -> int:
    """Move the contact to the trash; returns the trash entry's id."""
    existing = await get(principal, contact_id)
    await access.ensure(principal, "delete", RECORD_TYPE, existing)
    return await pipeline.delete(principal, RECORD_TYPE, contact_id, existing=existing)


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
