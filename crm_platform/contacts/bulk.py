"""Many contacts at once: all valid and written together, or nothing written."""

from __future__ import annotations

import operator
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from crm_hookspecs import FieldDefinition, Principal
from crm_hookspecs.events import ContactCreated, RecordCreated

from crm_platform import clock
from crm_platform.audit import service as audit
from crm_platform.contacts import listing
from crm_platform.contacts.listing import ContactFilters
from crm_platform.contacts.schemas import ContactIn
from crm_platform.contacts.service import AUDITED, JSON_FIELDS, KIND, RECORD_TYPE, email_taken, search_entry
from crm_platform.db.bulk import Inserts, reserve_ids, stored
from crm_platform.db.raw import fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid
from crm_platform.records import customfields, pipeline
from crm_platform.search import index as search_index

PLAIN_FIELDS = tuple(name for name in AUDITED if name not in JSON_FIELDS)
CONTACT_COLUMNS = ("id", *PLAIN_FIELDS, *JSON_FIELDS, "lifecycle_changed_at", "last_contacted_at")
_plain_fields = operator.itemgetter(*PLAIN_FIELDS)


async def _validate_all(principal: Principal, items: list[ContactIn]) -> list[dict[str, Any]]:
    lookups = pipeline.Lookups()
    errors: dict[str, str] = {}
    cleaned: list[dict[str, Any]] = []
    first_with_email: dict[str, int] = {}
    for index, item in enumerate(items):
        values = msgspec.to_builtins(item)
        if values.pop("company_ids"):
            errors[f"contacts[{index}].company_ids"] = "link companies after a bulk create"
        values["owner"] = values.pop("owner_id", principal.id)
        try:
            values = await pipeline.validate(principal, KIND, values, None, lookups=lookups)
        except Invalid as exc:
            errors.update({f"contacts[{index}].{name}": message for name, message in exc.errors.items()})
            continue
        email = values["primary_email"]
        if email is not None:
            if email in first_with_email:
                errors[f"contacts[{index}].emails[0].address"] = (
                    f"{email} is also the primary email of contacts[{first_with_email[email]}]"
                )
            first_with_email.setdefault(email, index)
        cleaned.append(values)
    if errors:
        raise Invalid(errors)
    await _ensure_emails_unused(principal, list(first_with_email))
    return cleaned


async def _ensure_emails_unused(principal: Principal, emails: list[str]) -> None:
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        rows = await fetch(
            f"SELECT id, primary_email FROM crm_contact WHERE primary_email IN ({placeholders(chunk)}) "
            "ORDER BY id LIMIT 1",
            *chunk,
        )
        if rows:
            raise await email_taken(principal, rows[0]["id"], rows[0]["primary_email"])


# Contacts per transaction for big loads (demo data, benchmarks): at a million contacts every
# batch dirties leaf pages all over the primary email index, so a larger batch writes each
# page once for more rows. 50,000 holds the write lock for a few seconds (other writers wait
# up to the 30 s busy timeout) and its rows take a few hundred MB while they are built.
LOAD_BATCH = 50_000
# Contacts built per step: the writer thread inserts one step while the next is built.
PIPELINE_STEP = 1_000


async def write_contacts(actor_id: int | None, contacts: list[dict[str, Any]]) -> list[int]:
    """Insert cleaned contacts with their lifecycle start, tags, audit and search entries.

    Used by the bulk API and the demo loader; call inside a unit of work.
    """
    now = stored(clock.now())
    definitions = await customfields.definitions(RECORD_TYPE)  # for the searchable ones' terms
    reserved = await reserve_ids("crm_contact", len(contacts))
    # Written in primary email order, ids in that order too: each insert into the unique email
    # index then lands next to the previous one instead of at a random leaf, which more than
    # halves the cost of keeping that index at a million contacts. Ids still rise with every
    # row written, so every other index is appended to as before.
    order = sorted(range(len(contacts)), key=lambda index: contacts[index]["primary_email"] or "")
    ordered = [contacts[index] for index in order]
    inserts = Inserts()
    for start in range(0, len(ordered), PIPELINE_STEP):
        step = slice(start, start + PIPELINE_STEP)
        await _add_rows(inserts, actor_id, now, reserved[step], ordered[step], definitions)
    await inserts.done()
    ids = [0] * len(contacts)
    for index, contact_id in zip(order, reserved, strict=True):
        ids[index] = contact_id
    return ids


async def _add_rows(
    inserts: Inserts, actor_id: int | None, now: Any, ids: list[int], contacts: list[dict[str, Any]],
    definitions: dict[str, FieldDefinition],
) -> None:
    # This loop runs per contact while the writer inserts the previous step, and both want the
    # GIL: rows hold only what differs between contacts, the rest is bound once (``same``).
    contact_rows, stage_rows, tag_rows, audit_rows, entries = [], [], [], [], []
    for contact_id, values in zip(ids, contacts, strict=True):
        changed_at = stored(values["lifecycle_changed_at"]) if "lifecycle_changed_at" in values else now
        last_contacted = values.get("last_contacted_at")
        contact_rows.append((
            contact_id, *_plain_fields(values), *[_json(values[name]) for name in JSON_FIELDS],
            changed_at, None if last_contacted is None else stored(last_contacted),
        ))
        stage_rows.append((contact_id, values["lifecycle_stage"]))
        tag_rows += [(contact_id, tag) for tag in values["tags"]]
        # The same shape as audit.diff({}, values), built directly.
        created = {name: {"from": None, "to": values[name]} for name in AUDITED if values[name] is not None}
        audit_rows.append((contact_id, _json(created)))
        entries.append(search_entry(contact_id, values, definitions))
    inserts.add("crm_contact", CONTACT_COLUMNS, contact_rows, {"created_at": now, "updated_at": now})
    inserts.add(
        "crm_lifecycle_change", ("contact", "stage_to"), stage_rows,
        {"stage_from": None, "changed_at": now, "changed_by": actor_id},
    )
    inserts.add("crm_tagging", ("record_id", "tag"), tag_rows, {"record_type": RECORD_TYPE})
    await audit.add_many(
        ("record_id", "changes"), audit_rows,
        {"at": now, "actor_id": actor_id, "record_type": RECORD_TYPE, "action": "create"},
    )
    search_index.add_new(inserts, entries)


def _json(value: Any) -> str:
    return _encode(value).decode()


_encode = msgspec.json.Encoder().encode


async def create_many(principal: Principal, items: list[ContactIn]) -> list[int]:
    cleaned = await _validate_all(principal, items)
    async with unit_of_work() as work:
        await _ensure_emails_unused(principal, [values["primary_email"] for values in cleaned if values["primary_email"]])
        ids = await write_contacts(principal.id, cleaned)
        for contact_id in ids:
            work.emit(ContactCreated(actor_id=principal.id, contact_id=contact_id))
            work.emit(RecordCreated(actor_id=principal.id, kind=RECORD_TYPE, record_id=contact_id))
    return ids


# Rows read per page while a whole filtered list is exported (the most a keyset page takes).
EXPORT_PAGE = 200


async def matching_pages(
    principal: Principal, filters: ContactFilters, sort: str = "display_name"
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every contact ``principal`` may see that ``filters`` match, a keyset page at a time
    (each page a fixed two queries), for the export of a whole filtered list."""
    cursor = None
    while True:
        rows, cursor = await listing.list_contacts(principal, filters, sort, EXPORT_PAGE, cursor)
        if rows:
            yield rows
        if not cursor:
            return


async def matching_ids(principal: Principal, filters: ContactFilters, limit: int) -> list[int]:
    """The ids of the contacts ``filters`` match, at most ``limit`` of them, in one query."""
    where = await listing.contact_where(principal, filters)
    rows = await fetch(f"SELECT id FROM crm_contact {where.clause} ORDER BY id LIMIT {int(limit)}", *where.args)
    return [row["id"] for row in rows]


async def matching_count(principal: Principal, filters: ContactFilters) -> int:
    """How many contacts ``filters`` match: counted when the user asks to select them all."""
    where = await listing.contact_where(principal, filters)
    rows = await fetch(f"SELECT COUNT(*) AS n FROM crm_contact {where.clause}", *where.args)
    return int(rows[0]["n"])
