"""What a customer is worth: lifetime value (what they have spent on the orders that count)
and average order value, per currency, over the orders the user may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import fetch, visibility_sql

from crm_retail import rfm

CENT = Decimal("0.01")


async def of_contact(principal: Principal, contact_id: int) -> dict[str, Any]:
    conditions, args = await visibility_sql(principal, "retail.order")
    where = "".join(f" AND {condition}" for condition in conditions)
    rows = await fetch(
        "SELECT currency, COUNT(*) AS orders, SUM(total) AS spent, MAX(ordered_at) AS last_order_at "
        f"FROM retail_order WHERE contact = {{}} AND status IN ('paid', 'fulfilled'){where} "
        "GROUP BY currency ORDER BY currency", contact_id, *args,
    )
    values = []
    for row in rows:
        spent = Decimal(str(row["spent"] or 0)).quantize(CENT)
        orders = int(row["orders"])
        values.append({"currency": row["currency"], "orders": orders, "lifetime_value": str(spent),
                       "average_order_value": str((spent / orders).quantize(CENT)), "last_order_at": row["last_order_at"]})
    return {"values": values, "rfm": await rfm.of_contact(contact_id)}
