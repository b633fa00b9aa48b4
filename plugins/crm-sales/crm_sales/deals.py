"""Deals: reads with their contacts and stage history; writes audited, indexed and announced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from crm_hookspecs import Principal

from crm_platform.toolkit import (
    Invalid,
    NotFound,
    SearchEntry,
    audit_diff,
    audit_record,
    ensure,
    execute,
    fetch,
    placeholders,
    search_remove,
    search_upsert,
    setting,
    unit_of_work,
)
from crm_sales import cells
from crm_sales.clean import clean_deal, money
from crm_sales.events import DealCreated
from crm_sales.pipelines import get_pipeline
from crm_sales.schemas import DealIn, DealPatch
from crm_sales.tables import Deal, DealContact, StageChange

RECORD_TYPE = "sales.deal"
EDITABLE = (
    "title", "amount", "currency", "expected_close_date", "probability", "owner", "company",
    "next_step", "next_step_date", "source",
)
AUDITED = (*EDITABLE, "contacts")
DEAL_COLUMNS = "d.*, s.name AS stage_name"


async def contacts_of(deal_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {deal_id: [] for deal_id in deal_ids}
    if deal_ids:
        rows = await fetch(
            "SELECT dc.deal, dc.contact AS contact_id, dc.role, c.display_name FROM sales_deal_contact dc "
            f"JOIN crm_contact c ON c.id = dc.contact WHERE dc.deal IN ({placeholders(deal_ids)}) ORDER BY dc.id",
            *deal_ids,
        )
        for row in rows:
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
    now = dt.datetime.now(dt.UTC)
    visits = []
    for index, row in enumerate(rows):
        left_at = rows[index + 1]["changed_at"] if index + 1 < len(rows) else None
        visits.append(
            {
                "stage_id": row["stage_id"], "stage_name": row["stage_name"] or "", "entered_at": row["changed_at"],
                "left_at": left_at, "moved_by_id": row["changed_by"],
                "days": round(((left_at or now) - row["changed_at"]).total_seconds() / 86400, 2),
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
    row["contacts"] = (await contacts_of([deal_id]))[deal_id]
    if with_history:
        row["history"] = await history(deal_id)
    return row


def search_entry(row: dict[str, Any]) -> SearchEntry:
    return SearchEntry(
        kind=RECORD_TYPE,
        record_id=row["id"],
        title=row["title"],
        subtitle=f"{row['amount']} {row['currency']}",
        terms=(row["title"], row["source"], row["next_step"]),
        owner_id=row["owner"],
    )


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    audited = {name: values[name] for name in AUDITED if name in values}
    if "amount" in audited:
        audited["amount"] = str(money(audited["amount"]))
    return audited


async def _set_contacts(deal_id: int, contacts: list[dict[str, Any]]) -> None:
    await execute("DELETE FROM sales_deal_contact WHERE deal = {}", deal_id)
    if contacts:
        await DealContact.insert(
            *(DealContact(deal=deal_id, contact=item["contact_id"], role=item["role"]) for item in contacts)
        )


async def create(principal: Principal, data: DealIn) -> dict[str, Any]:
    values = msgspec.to_builtins(data, builtin_types=(dt.date, dt.datetime))
    values["amount"] = data.amount
    values["owner"] = values.pop("owner_id", principal.id)
    values["company"] = values.pop("company_id")
    values.setdefault("currency", await setting("sales", "default_currency"))
    pipeline = await get_pipeline(values.pop("pipeline_id"))
    stage_id = values.pop("stage_id")
    open_stages = [stage for stage in pipeline["stages"] if stage["kind"] == "open"]
    stage = open_stages[0] if stage_id is None else next((s for s in open_stages if s["id"] == stage_id), None)
    if stage is None:
        raise Invalid({"stage_id": f"must be an open stage of pipeline {pipeline['name']!r}; close a deal with /move"})
    values = await clean_deal(principal, values, None)
    contacts = values.pop("contacts")
    explicit = values["probability"] is not None
    now = dt.datetime.now(dt.UTC)
    stored = values | {
        "probability": values["probability"] if explicit else stage["probability"], "probability_set": explicit,
        "pipeline": pipeline["id"], "stage": stage["id"], "status": "open", "furthest_position": stage["position"],
        "close_month": _month(values["expected_close_date"]), "stage_entered_at": now, "created_at": now,
        "updated_at": now,
    }
    async with unit_of_work() as work:
        deal_id = (await Deal.insert(Deal(**stored)))[0]["id"]
        await cells.apply(None, stored)
        await _set_contacts(deal_id, contacts)
        await StageChange.insert(StageChange(deal=deal_id, stage_to=stage["id"], changed_by=principal.id, changed_at=now))
        await audit_record(principal.id, RECORD_TYPE, deal_id, "create", audit_diff({}, _audited(values | {"contacts": contacts})))
        await search_upsert([search_entry(stored | {"id": deal_id})])
        work.emit(DealCreated(actor_id=principal.id, deal_id=deal_id, pipeline_id=pipeline["id"], stage_id=stage["id"]))
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
    before = {name: existing[name] for name in EDITABLE} | {
        "contacts": [{"contact_id": c["contact_id"], "role": c["role"]} for c in existing["contacts"]]
    }
    # Contacts are checked (one access check each) only when the request changes them.
    values = await clean_deal(principal, before | {"contacts": None} | changes, existing)
    if values["contacts"] is None:
        values["contacts"] = before["contacts"]
    if "probability" in changes:
        values["probability_set"] = changes["probability"] is not None
        if changes["probability"] is None:
            stage = await fetch("SELECT probability FROM sales_stage WHERE id = {}", existing["stage"])
            values["probability"] = stage[0]["probability"]
    changed = audit_diff(_audited(before), _audited(values))
    if not changed and "probability" not in changes:
        return existing
    stored = {name: values[name] for name in EDITABLE if name in changed}
    stored |= {"updated_at": dt.datetime.now(dt.UTC), "close_month": _month(values["expected_close_date"])}
    if "probability" in changes:
        stored |= {"probability": values["probability"], "probability_set": values["probability_set"]}
    async with unit_of_work():
        await Deal.update(stored).where(Deal.id == deal_id)
        await cells.apply(existing, existing | stored)
        if "contacts" in changed:
            await _set_contacts(deal_id, values["contacts"])
        await audit_record(principal.id, RECORD_TYPE, deal_id, "update", changed)
        await search_upsert([search_entry(existing | values | {"id": deal_id})])
    return await get(principal, deal_id)


async def delete(principal: Principal, deal_id: int) -> None:
    existing = await get(principal, deal_id)
    await ensure(principal, "delete", RECORD_TYPE, existing)
    gone = _audited(existing)
    async with unit_of_work():
        await execute("DELETE FROM crm_activity_link WHERE record_type = {} AND record_id = {}", RECORD_TYPE, deal_id)
        await Deal.delete().where(Deal.id == deal_id)
        await cells.apply(existing, None)
        await search_remove(RECORD_TYPE, deal_id)
        await audit_record(principal.id, RECORD_TYPE, deal_id, "delete", audit_diff(gone, dict.fromkeys(gone)))
