"""Deals: reads with their contacts and stage history; writes audited, indexed and announced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from crm_hookspecs import Event, Principal, RecordKind, RecordWrite, SearchText

from crm_platform.toolkit import (
    Invalid,
    NotFound,
    create_record,
    delete_record,
    ensure,
    execute,
    fetch,
    get_records,
    now,
    placeholders,
    regional_preferences,
    setting,
    update_record,
)
from crm_sales import cells
from crm_sales.clean import clean_deal, money
from crm_sales.events import DealCreated
from crm_sales.pipelines import get_pipeline, get_stage
from crm_sales.schemas import DealIn, DealPatch
from crm_sales.tables import Deal, DealContact, StageChange

RECORD_TYPE = "sales.deal"
EDITABLE = (
    "title", "amount", "currency", "expected_close_date", "probability", "owner", "company",
    "next_step", "next_step_date", "source",
)
AUDITED = (*EDITABLE, "contacts")
# Who may see a deal but not one of its contacts sees that the deal has a contact, not who.
HIDDEN_NAME = "(hidden)"
DEAL_COLUMNS = "d.*, s.name AS stage_name"


async def contacts_of(principal: Principal, deal_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each deal's contacts with their roles, named only where ``principal`` may see them."""
    found: dict[int, list[dict[str, Any]]] = {deal_id: [] for deal_id in deal_ids}
    if deal_ids:
        rows = await fetch(
            "SELECT deal, contact AS contact_id, role FROM sales_deal_contact "
            f"WHERE deal IN ({placeholders(deal_ids)}) ORDER BY id",
            *deal_ids,
        )
        visible = await get_records(principal, "contact", [row["contact_id"] for row in rows])
        for row in rows:
            contact = visible.get(row["contact_id"])
            row["display_name"] = contact["display_name"] if contact else HIDDEN_NAME
            row["visible"] = contact is not None
            found[row.pop("deal")].append(row)
    return found


async def history(deal_id: int) -> list[dict[str, Any]]:
    """Each stage the deal was in, oldest first, with how long it stayed."""
    rows = await fetch(
        "SELECT h.stage_to AS stage_id, s.name AS stage_name, h.changed_at, h.changed_by "
        "FROM sales_stage_change h LEFT JOIN sales_stage s ON s.id = h.stage_to "
        "WHERE h.deal = {} ORDER BY h.changed_at, h.id",
        deal_id,
    )
    moment = now()
    visits = []
    for index, row in enumerate(rows):
        left_at = rows[index + 1]["changed_at"] if index + 1 < len(rows) else None
        visits.append(
            {
                "stage_id": row["stage_id"], "stage_name": row["stage_name"] or "", "entered_at": row["changed_at"],
                "left_at": left_at, "moved_by_id": row["changed_by"],
                "days": round(((left_at or moment) - row["changed_at"]).total_seconds() / 86400, 2),
            }
        )
    return visits


async def find(deal_id: int) -> dict[str, Any]:
    rows = await fetch(
        f"SELECT {DEAL_COLUMNS} FROM sales_deal d JOIN sales_stage s ON s.id = d.stage WHERE d.id = {{}}", deal_id
    )
    if not rows:
        raise NotFound("deal", deal_id)
    return rows[0] | {"amount": money(rows[0]["amount"])}


async def get(principal: Principal, deal_id: int, *, with_history: bool = False) -> dict[str, Any]:
    """The deal, if ``principal`` may see it, with its contacts (and its stage history)."""
    row = await find(deal_id)
    await ensure(principal, "read", RECORD_TYPE, row)
    row["contacts"] = (await contacts_of(principal, [deal_id]))[deal_id]
    if with_history:
        row["history"] = await history(deal_id)
    return row


def _search_text(row: dict[str, Any]) -> SearchText:
    return SearchText(row["title"], f"{money(row['amount'])} {row['currency']}", (row["title"], row["source"], row["next_step"]))


def _contact_list(contacts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"contact_id": item["contact_id"], "role": item["role"]} for item in contacts]


async def _clean(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    contacts = values["contacts"]
    # Contacts are checked (one access check each) only when the write changes them.
    unchanged = existing is not None and contacts == existing["contacts"]
    values = await clean_deal(principal, values | {"contacts": None} if unchanged else values, existing)
    values["contacts"] = contacts
    values["close_month"] = _month(values["expected_close_date"])
    return values


async def _set_contacts(deal_id: int, contacts: list[dict[str, Any]]) -> None:
    await execute("DELETE FROM sales_deal_contact WHERE deal = {}", deal_id)
    if contacts:
        await DealContact.insert(
            *(DealContact(deal=deal_id, contact=item["contact_id"], role=item["role"]) for item in contacts)
        )


async def _after_write(write: RecordWrite) -> list[Event]:
    """The deal's contacts, its first stage visit and its forecast cell."""
    values = write.values
    await cells.apply(write.existing, values)
    if values is None:
        return []
    if write.existing is None or "contacts" in write.changes:
        await _set_contacts(write.record_id, values["contacts"])
    if write.existing is not None:
        return []
    await StageChange.insert(
        StageChange(deal=write.record_id, stage_to=values["stage"], changed_by=write.principal.id,
                    changed_at=values["stage_entered_at"])
    )
    return [DealCreated(actor_id=write.principal.id, deal_id=write.record_id, pipeline_id=values["pipeline"],
                        stage_id=values["stage"])]


async def _after_restore(write: RecordWrite) -> list[Event]:
    """A deal back from the trash counts in its forecast cell again (its contacts and stage
    history come back with it)."""
    await cells.apply(None, write.values)
    return []


KIND = RecordKind(
    key=RECORD_TYPE, label="Deal", plural="Deals", table=Deal, title_column="title", url="/sales/deals/{id}",
    audited=AUDITED, search=_search_text, clean=_clean, after_write=_after_write, after_restore=_after_restore,
    # A hand-over moves the deals still open; won and lost ones keep who closed them.
    open_condition="status = 'open'",
)


async def default_currency() -> str:
    """A new deal's currency: the user's own choice, else this plugin's setting, else the
    instance's currency."""
    preferences = regional_preferences()
    if "currency" in preferences.own:
        return preferences.currency
    return await setting("sales", "default_currency") or preferences.currency


async def create(principal: Principal, data: DealIn) -> dict[str, Any]:
    values = msgspec.to_builtins(data, builtin_types=(dt.date, dt.datetime))
    values["amount"] = data.amount
    values["owner"] = values.pop("owner_id", principal.id)
    values["company"] = values.pop("company_id")
    values.setdefault("currency", await default_currency())
    pipeline = await get_pipeline(values.pop("pipeline_id"))
    stage_id = values.pop("stage_id")
    open_stages = [stage for stage in pipeline["stages"] if stage["kind"] == "open"]
    stage = open_stages[0] if stage_id is None else next((s for s in open_stages if s["id"] == stage_id), None)
    if stage is None:
        raise Invalid({"stage_id": f"must be an open stage of pipeline {pipeline['name']!r}; close a deal with /move"})
    explicit = values["probability"] is not None
    values |= {
        "probability": values["probability"] if explicit else stage["probability"], "probability_set": explicit,
        "pipeline": pipeline["id"], "stage": stage["id"], "status": "open", "furthest_position": stage["position"],
        "stage_entered_at": now(),
    }
    deal_id = await create_record(principal, RECORD_TYPE, values)
    return await get(principal, deal_id)


def _month(day: dt.date | None) -> str | None:
    return day.strftime("%Y-%m") if day else None


async def update(principal: Principal, deal_id: int, patch: DealPatch) -> dict[str, Any]:
    existing = await get(principal, deal_id)
    await ensure(principal, "write", RECORD_TYPE, existing)
    changes = msgspec.to_builtins(patch, builtin_types=(dt.date, dt.datetime))
    if "amount" in changes:
        changes["amount"] = patch.amount
    for name in ("owner", "company"):
        if f"{name}_id" in changes:
            changes[name] = changes.pop(f"{name}_id")
    if "probability" in changes:
        changes["probability_set"] = changes["probability"] is not None
        if changes["probability"] is None:
            stage = await get_stage(existing["stage"])
            changes["probability"] = stage["probability"] if stage else 0
    before = existing | {"contacts": _contact_list(existing["contacts"])}
    if not await update_record(principal, RECORD_TYPE, deal_id, changes, existing=before):
        return existing
    return await get(principal, deal_id)


async def delete(principal: Principal, deal_id: int) -> int:
    """Move the deal to the trash; returns the trash entry's id."""
    existing = await get(principal, deal_id)
    await ensure(principal, "delete", RECORD_TYPE, existing)
    return await delete_record(principal, RECORD_TYPE, deal_id, existing=existing | {"contacts": _contact_list(existing["contacts"])})
