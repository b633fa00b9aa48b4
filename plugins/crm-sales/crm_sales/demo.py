"""Demo deals for ``crm demo``: spread over the default pipeline's stages, with the demo
contacts and their companies, so the board, the forecast and "My pipeline" have something
to show. Written in one bulk call through the core's pipeline (audited, searchable)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from crm_hookspecs import DemoContact, DemoData

from crm_platform.toolkit import create_records, get_records, principal_for
from crm_sales.clean import lost_reasons
from crm_sales.deals import RECORD_TYPE, default_currency
from crm_sales.pipelines import get_pipeline

MIN_DEALS, MAX_DEALS = 12, 200
PRODUCTS = (
    "Annual licence", "Onboarding", "Support renewal", "Fleet upgrade", "Pilot", "Expansion",
    "Consulting block", "Training", "Integration", "Multi-site rollout",
)
# Most deals are open; a quarter have closed, more of them won than lost.
OUTCOMES = ("open",) * 15 + ("won",) * 3 + ("lost",) * 2
FIRST_ROLES = ("decision_maker", "decision_maker", "champion", "champion", "influencer")
OTHER_ROLES = ("influencer", "user", "user", "other", "champion")


async def load(demo: DemoData) -> str | None:
    admin = await principal_for(demo.user_ids[0]) if demo.user_ids else None
    if admin is None or not demo.contacts:
        return None
    rng = random.Random(f"sales-{demo.seed}")
    count = min(len(demo.contacts), max(MIN_DEALS, min(MAX_DEALS, len(demo.contacts) // 5)))
    chosen = rng.sample(list(demo.contacts), count)
    colleagues: dict[int, list[DemoContact]] = {}
    for contact in demo.contacts:
        if contact.company_id is not None:
            colleagues.setdefault(contact.company_id, []).append(contact)
    companies = await get_records(admin, "company", [c.company_id for c in chosen if c.company_id is not None])
    people = await get_records(admin, "contact", [c.contact_id for c in chosen])
    pipeline = await get_pipeline(None)
    currency = await default_currency()
    reasons = await lost_reasons() or ["Other"]
    items = []
    for contact in chosen:
        company = companies.get(contact.company_id) if contact.company_id is not None else None
        name = company["name"] if company else people.get(contact.contact_id, {}).get("display_name", "")
        links = [{"contact_id": contact.contact_id, "role": rng.choice(FIRST_ROLES)}]
        others = [c for c in colleagues.get(contact.company_id, []) if c.contact_id != contact.contact_id]
        if others and rng.random() < 0.5:
            links.append({"contact_id": rng.choice(others).contact_id, "role": rng.choice(OTHER_ROLES)})
        items.append(_deal(rng, demo.now, pipeline, contact, name, links, currency, reasons))
    await create_records(admin, RECORD_TYPE, items)
    return f"Loaded {len(items)} deals across the stages of the {pipeline['name']} pipeline."


def _deal(
    rng: random.Random, now: dt.datetime, pipeline: dict[str, Any], contact: DemoContact, name: str,
    links: list[dict[str, Any]], currency: str, reasons: list[str],
) -> dict[str, Any]:
    open_stages = [stage for stage in pipeline["stages"] if stage["kind"] == "open"]
    outcome = rng.choice(OUTCOMES)
    if outcome == "open":
        stage = rng.choice(open_stages)
        created = now - dt.timedelta(days=rng.randint(1, 90))
        entered = max(created, now - dt.timedelta(days=rng.randint(0, 30)))
        close_date, closed_at, furthest = (now + dt.timedelta(days=rng.randint(5, 150))).date(), None, stage["position"]
    else:
        stage = next(stage for stage in pipeline["stages"] if stage["kind"] == outcome)
        closed_at = now - dt.timedelta(days=rng.randint(1, 120))
        created = closed_at - dt.timedelta(days=rng.randint(10, 120))
        entered, close_date = closed_at, closed_at.date()
        furthest = open_stages[-1]["position"] if outcome == "won" else rng.choice(open_stages)["position"]
    return {
        "title": f"{rng.choice(PRODUCTS)} · {name}"[:200], "amount": rng.randint(5, 500) * 100, "currency": currency,
        "expected_close_date": close_date, "probability": stage["probability"], "probability_set": False,
        "pipeline": pipeline["id"], "stage": stage["id"], "status": outcome, "furthest_position": furthest,
        "owner": contact.owner_id, "company": contact.company_id, "contacts": links,
        "next_step": "", "next_step_date": None, "source": "demo",
        "lost_reason": rng.choice(reasons) if outcome == "lost" else None,
        "stage_entered_at": entered, "closed_at": closed_at,
        "cycle_days": (closed_at - created).days if closed_at else None, "created_at": created, "updated_at": entered,
    }
