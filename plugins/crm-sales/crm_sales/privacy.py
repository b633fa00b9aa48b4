"""The deals a contact is on: handed over in a subject access export, forgotten on erasure
(the deal itself stays; it is the company's business, not the person's)."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import PersonalData

from crm_platform.toolkit import execute, fetch


async def export(contact_id: int) -> list[dict[str, Any]]:
    return await fetch(
        "SELECT l.deal, d.title, l.role FROM sales_deal_contact l JOIN sales_deal d ON d.id = l.deal "
        "WHERE l.contact = {} ORDER BY l.deal", contact_id,
    )


async def erase(contact_id: int) -> int:
    rows = await fetch("SELECT deal FROM sales_deal_contact WHERE contact = {}", contact_id)
    await execute("DELETE FROM sales_deal_contact WHERE contact = {}", contact_id)
    return len(rows)


DECLARATIONS = (
    PersonalData("sales.deal_contacts", "sales_deal_contact", "contact", ("contact", "role"),
                 export=export, erase=erase, label="Deals the person is on"),
)
