"""Demo listings and buyers for ``crm demo``: a few dozen properties owned by demo contacts, and
buyers' wishes on some others, all derived from the demo's seed."""

from __future__ import annotations

import random

from crm_hookspecs import DemoData
from crm_platform.toolkit import create_records, principal_for, update_record

from crm_realestate import fields
from crm_realestate.properties import KIND_KEY, TYPES

AREAS = ("Riverside", "Old Town", "Harbour", "Hillside", "Market Square")
STREETS = ("Mill Lane", "Station Road", "Church Street", "Quay Side", "Orchard Way", "High Street")
LISTINGS = 40
BUYERS = 15


async def load(demo: DemoData) -> str | None:
    admin = await principal_for(demo.user_ids[0]) if demo.user_ids else None
    if admin is None or len(demo.contacts) < 2:
        return None
    rng = random.Random(f"realestate-{demo.seed}")
    owners = demo.contacts[: len(demo.contacts) // 2]
    listings = []
    for _ in range(LISTINGS):
        owner = rng.choice(owners)
        kind = rng.choice(TYPES)
        renting = rng.random() < 0.25
        price = rng.randrange(900, 3500, 50) if renting else rng.randrange(120_000, 900_000, 5_000)
        listings.append({
            "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}", "area": rng.choice(AREAS), "type": kind,
            "bedrooms": None if kind == "land" else rng.randint(1, 5), "bathrooms": None if kind == "land" else rng.randint(1, 3),
            "area_m2": rng.randint(40, 400), "price": price, "currency": "EUR",
            "status": "for_rent" if renting else rng.choice(("for_sale", "for_sale", "under_offer", "sold")),
            "owner_contact_id": owner.contact_id, "agent": owner.owner_id or admin.id,
        })
    await create_records(admin, KIND_KEY, listings)
    for buyer in demo.contacts[len(demo.contacts) // 2:][:BUYERS]:
        low = rng.randrange(100_000, 400_000, 25_000)
        await update_record(admin, "contact", buyer.contact_id, {"custom": {
            fields.ROLE: ["buyer"], fields.BUDGET_MIN: low, fields.BUDGET_MAX: low + rng.randrange(100_000, 400_000, 25_000),
            fields.WANTED_AREAS: ", ".join(rng.sample(AREAS, 2)), fields.WANTED_TYPES: rng.sample(TYPES, 2),
        }})
    return f"Loaded {LISTINGS} listings and {BUYERS} buyers."
