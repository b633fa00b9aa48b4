"""The panel on contact pages: the addresses, numbers and handles the contact is known by
(with a form to add one), so the next import matches them."""

from __future__ import annotations

from crm_hookspecs import Panel, Principal

from crm_platform.toolkit import can, get_record, identities_of


async def identities_panel(record_type: str, record_id: int, principal: Principal) -> Panel | None:
    if record_type != "contact":
        return None
    contact = await get_record(principal, "contact", record_id)
    known = (await identities_of([record_id]))[record_id]
    shown = [{"kind": i.kind, "network": i.network, "value": i.value} for i in known]
    if contact.get("primary_email") and not any(i["value"] == contact["primary_email"] for i in shown):
        shown.insert(0, {"kind": "email", "network": "", "value": contact["primary_email"], "primary": True})
    context = {"identities": shown, "contact_id": record_id, "editable": await can(principal, "write", "contact", contact)}
    return Panel(key="conversations-identities", title="Known as", template="conversations/panel_identities.html",
                 context=context, order=40)
