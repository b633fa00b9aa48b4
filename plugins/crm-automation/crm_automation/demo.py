"""Demo workflows: switched off, so a demo shows what can be built without acting on its own."""

from __future__ import annotations

from crm_hookspecs import DemoData

from crm_automation import workflows
from crm_platform.toolkit import principal_for, record_kinds

WELCOME = {
    "name": "Welcome call for new leads",
    "description": "A new contact who is a lead gets a welcome call task for their owner.",
    "trigger": {"event": "RecordCreated", "kind": "contact"},
    "conditions": {"all": [{"field": "lifecycle_stage", "op": "eq", "value": "lead"}]},
    "steps": [{"action": "automation.create_task", "subject": "Welcome call: {{ record.given_name }}",
               "assignee": "owner", "due_in_business_days": 2, "type": "follow_up"}],
}
DEAL_WON = {
    "name": "Deal won: thank the customer",
    "description": "When a deal is won, its owner gets a hand-over task and the contact a thank-you email.",
    "trigger": {"event": "DealWon"},
    "steps": [
        {"action": "automation.create_task", "subject": "Hand over {{ record.title }}", "assignee": "owner",
         "due_in_business_days": 1},
        {"action": "automation.send_email", "to": "{{ contact.primary_email }}", "subject": "Thank you",
         "body": "Dear {{ contact.given_name }},\n\nthank you for choosing us ({{ record.title }})."},
    ],
}


async def load(demo: DemoData) -> str | None:
    admin = await principal_for(demo.user_ids[0])
    if admin is None:
        return None
    wanted = [WELCOME]
    if "sales.deal" in {kind.key for kind in record_kinds()}:
        wanted.append(DEAL_WON)
    for definition in wanted:
        await workflows.create(admin, definition)
    return f"Loaded {len(wanted)} workflows (switched off)."
