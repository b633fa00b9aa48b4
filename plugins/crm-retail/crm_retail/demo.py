"""Demo orders for ``crm demo``: a few orders each for a sample of the demo contacts, over the
last two years, so the points, tiers and RFM segments have something to show. Written in one
bulk call through the core's pipeline, then scored once."""

from __future__ import annotations

import datetime as dt
import random

from crm_hookspecs import DemoData
from crm_platform.toolkit import create_records, principal_for, setting

from crm_retail import rfm
from crm_retail.orders import KIND_KEY

CUSTOMERS = 60
PRODUCTS = (("Espresso beans 1 kg", "18.90"), ("Ceramic mug", "12.50"), ("Pour-over kettle", "49.00"),
            ("Paper filters", "4.20"), ("Grinder", "129.00"), ("Tasting voucher", "25.00"))


async def load(demo: DemoData) -> str | None:
    admin = await principal_for(demo.user_ids[0]) if demo.user_ids else None
    if admin is None or not demo.contacts:
        return None
    rng = random.Random(f"retail-{demo.seed}")
    currency = str(await setting("retail", "currency"))
    chosen = rng.sample(list(demo.contacts), min(CUSTOMERS, len(demo.contacts)))
    items = []
    for contact in chosen:
        for _ in range(rng.choice((1, 1, 2, 3, 5, 8))):
            picks = rng.sample(PRODUCTS, rng.randint(1, 3))
            items.append({
                "number": f"D{demo.seed}-{len(items) + 1001}", "contact": contact.contact_id,
                "owner": contact.owner_id, "currency": currency, "status": rng.choice(("paid", "fulfilled", "fulfilled")),
                "ordered_at": demo.now - dt.timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440)),
                "lines": [{"product": name, "quantity": rng.randint(1, 3), "unit_price": price} for name, price in picks],
            })
    await create_records(admin, KIND_KEY, items)
    scored = await rfm.compute()
    return f"Loaded {len(items)} orders for {len(chosen)} customers and scored {scored} in RFM segments."
