"""Erasure: the person goes from the core and every plugin at once, for good (not through the
trash: nothing to restore), and an audit tombstone says it happened without saying who."""

from __future__ import annotations

import json
from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.audit import service as audit
from crm_platform.audit.verify import REMOVED_KEY
from crm_platform.db.raw import execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import invalid
from crm_platform.records import kinds, pipeline
from crm_platform.search import index as search_index
from crm_platform.users.accounts import require_admin


async def _erase_activities(contact_id: int, removed: list[list[Any]]) -> int:
    """The person's activities go, those about deals or tickets too (they record the person's
    dealings); one shared with other people only loses the link to this person."""
    linked = [row["activity"] for row in await fetch(
        "SELECT DISTINCT activity FROM crm_activity_link WHERE record_type = 'contact' AND record_id = {}", contact_id)]
    await execute("DELETE FROM crm_activity_link WHERE record_type = 'contact' AND record_id = {}", contact_id)
    if not linked:
        return 0
    shared = {row["activity"] for row in await fetch(
        f"SELECT DISTINCT activity FROM crm_activity_link WHERE record_type = 'contact' "
        f"AND activity IN ({placeholders(linked)})", *linked)}
    alone = [activity for activity in linked if activity not in shared]
    await erase_records("activity", alone, removed)
    if alone:
        await execute(f"DELETE FROM crm_activity WHERE id IN ({placeholders(alone)})", *alone)
        for activity in alone:
            await search_index.remove("activity", activity)
    return len(alone)


async def erase_records(kind: str, ids: list[int], removed: list[list[Any]]) -> None:
    """What the core keeps about records besides their rows: audit history, tags and trash.
    The audit entries removed are added to ``removed`` for the tombstone."""
    if not ids:
        return
    marks = placeholders(ids)
    removed += await audit.remove(kind, ids)
    await execute(f"DELETE FROM crm_tagging WHERE record_type = {{}} AND record_id IN ({marks})", kind, *ids)
    await execute(f"DELETE FROM crm_trash WHERE kind = {{}} AND record_id IN ({marks})", kind, *ids)


async def _refresh_search(kind_key: str, ids: list[int]) -> None:
    """A plugin's records that stay (anonymised) get a search entry from what is left of them;
    those it deleted leave search."""
    if not ids:
        return
    kind = kinds.get(kind_key)
    table = kinds.table_name(kind)
    kept = {row["id"] for row in await fetch(f"SELECT id FROM {table} WHERE id IN ({placeholders(ids)})", *ids)}
    lookups = pipeline.Lookups()
    for record_id in ids:
        if record_id in kept:
            await pipeline.reindex(kind, record_id, lookups)
        else:
            await search_index.remove(kind_key, record_id)


async def _erase_core(contact: dict[str, Any], removed: list[list[Any]]) -> None:
    contact_id = contact["id"]
    removed += await audit.remove("contact", [contact_id])
    await execute("DELETE FROM crm_relationship WHERE (source_type = 'contact' AND source_id = {}) "
                  "OR (target_type = 'contact' AND target_id = {})", contact_id, contact_id)
    for table, where in (
        ("crm_consent", "contact = {}"),
        ("crm_tagging", "record_type = 'contact' AND record_id = {}"),
        ("crm_trash", "kind = 'contact' AND record_id = {}"),
        ("crm_notification", "record_type = 'contact' AND record_id = {}"),
        ("crm_import_key", "record_type = 'contact' AND record_id = {}"),
        ("crm_import_row", "record_id = {} AND run IN (SELECT id FROM crm_import_run WHERE kind = 'contact')"),
        ("crm_merge", "kind = 'contact' AND (survivor_id = {} OR merged_id = {})"),
        ("crm_contact", "id = {}"),
    ):
        await execute(f"DELETE FROM {table} WHERE {where}", *([contact_id] * where.count("{}")))
    emails = [email["address"] for email in contact.get("emails") or [] if isinstance(email, dict)]
    addresses = sorted({*emails, *([contact["primary_email"]] if contact.get("primary_email") else [])})
    if addresses:
        await execute(f"DELETE FROM crm_outbound_email WHERE to_address IN ({placeholders(addresses)})", *addresses)
    await search_index.remove("contact", contact_id)


async def erase_contact(principal: Principal, contact_id: int, confirm: str) -> dict[str, int]:
    """Erase the contact whose display name ``confirm`` repeats; returns rows erased per part."""
    require_admin(principal, "erase a person's data")
    contact = await pipeline.read_one(principal, "contact", contact_id)
    if confirm.strip() != contact["display_name"].strip():
        raise invalid("confirm", "type the contact's name exactly as shown to confirm the erasure")
    if isinstance(contact.get("emails"), str):
        contact["emails"] = json.loads(contact["emails"])
    host = runtime.current().host
    counts: dict[str, int] = {}
    removed: list[list[Any]] = []
    async with unit_of_work():
        for item in host.items("crm_personal_data", include_disabled=True):
            records = [row["id"] for row in await item.export(contact_id) or []] if item.record_kind else []
            counts[item.key] = int(await item.erase(contact_id) or 0)
            await erase_records(item.record_kind, records, removed)
            await _refresh_search(item.record_kind, records)
        counts["activities"] = await _erase_activities(contact_id, removed)
        await _erase_core(contact, removed)
        # The tombstone names no field of the person: only that the record was erased and how much
        # went, and the place and hash of each audit entry removed, so the chain still verifies.
        await audit.record(principal.id, "contact", contact_id, "erase",
                           {"erased": counts, REMOVED_KEY: sorted(removed)})
    return counts
