"""A customer's orders, points and RFM score. Erasure keeps the orders' totals for the books
but cuts them from the person and blanks the address they were placed with."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import PersonalData
from crm_platform.toolkit import execute, fetch


async def export_orders(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT id, number, ordered_at, status, currency, total, lines, customer_email "
                       "FROM retail_order WHERE contact = {} ORDER BY id", contact_id)


async def erase_orders(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM retail_order WHERE contact = {}", contact_id)
    await execute("UPDATE retail_order SET contact = NULL, customer_email = NULL WHERE contact = {}", contact_id)
    return len(rows)


async def export_points(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT id, points, reason, order_id FROM retail_points WHERE contact = {} ORDER BY id",
                       contact_id)


async def erase_points(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM retail_points WHERE contact = {}", contact_id)
    await execute("DELETE FROM retail_points WHERE contact = {}", contact_id)
    return len(rows)


async def export_rfm(contact_id: int) -> list[dict[str, Any]]:
    return await fetch("SELECT last_order_at, frequency, monetary, r, f, m, segment FROM retail_rfm "
                       "WHERE contact = {}", contact_id)


async def erase_rfm(contact_id: int) -> int:
    rows = await fetch("SELECT id FROM retail_rfm WHERE contact = {}", contact_id)
    await execute("DELETE FROM retail_rfm WHERE contact = {}", contact_id)
    return len(rows)


DECLARATIONS = (
    PersonalData("retail.orders", "retail_order", "contact", ("contact", "customer_email", "lines"),
                 export=export_orders, erase=erase_orders, label="Orders", record_kind="retail.order"),
    PersonalData("retail.points", "retail_points", "contact", ("contact", "points", "reason"),
                 export=export_points, erase=erase_points, label="Loyalty points"),
    PersonalData("retail.rfm", "retail_rfm", "contact", ("contact", "segment", "monetary"),
                 export=export_rfm, erase=erase_rfm, label="Customer score"),
)
