"""A handful of tickets for ``crm demo``: every status, a few replies, a canned reply."""

from __future__ import annotations

import random

from crm_hookspecs import DemoData
from crm_platform.toolkit import fetch, principal_for

from crm_desk import canned, conversation, service

SUBJECTS = (
    "Cannot log in after the update", "Invoice shows the wrong amount", "Export to CSV is empty",
    "How do I add a colleague?", "The app is slow in the morning", "Printer driver missing",
    "Please change our billing address", "Password reset mail never arrives", "Feature request: dark mode",
    "Order arrived damaged", "Two charges on my card", "Where is my delivery?",
)
PRIORITIES = ("low", "normal", "normal", "high", "urgent")
MAX_TICKETS = 12


async def load(demo: DemoData) -> str | None:
    admin = await principal_for(demo.user_ids[0]) if demo.user_ids else None
    if admin is None or not demo.contacts or await fetch("SELECT id FROM desk_ticket LIMIT 1"):
        return None
    rng = random.Random(f"desk-{demo.seed}")
    if not await fetch("SELECT id FROM desk_canned_reply LIMIT 1"):
        await canned.add(admin, "Thanks, looking into it", "Hello {{ contact.given_name }},\n\nthank you for "
                         "writing: we are looking into {{ ticket.number }}.\n\n{{ agent.display_name }}")
    chosen = rng.sample(list(demo.contacts), min(MAX_TICKETS, len(demo.contacts)))
    for index, contact in enumerate(chosen):
        ticket_id = await service.open_ticket(admin, {
            "subject": SUBJECTS[index % len(SUBJECTS)], "description": "Sent from the demo.",
            "requester_id": contact.contact_id, "company_id": contact.company_id, "priority": rng.choice(PRIORITIES),
            "channel": rng.choice(("email", "web", "phone")),
            "owner": rng.choice([None, *demo.user_ids]),
        })
        if index % 3:
            status = rng.choice([None, "pending_customer", "solved"])
            await conversation.add(admin, ticket_id, "reply", "Thanks, we are on it.", status=status)
    return f"Loaded {len(chosen)} tickets, some answered, one canned reply."
