"""What the core itself registers through the contract, like any plugin would."""

from __future__ import annotations

from crm_hookspecs import ActivityType, Importer, Job, NavItem, RecordKind, RelationshipType, hookimpl


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [
        ActivityType("call", "Call", icon="phone"),
        ActivityType("meeting", "Meeting", icon="calendar"),
        ActivityType("email", "Email", icon="mail"),
        ActivityType("note", "Note", icon="note"),
        ActivityType("social_message", "Social message", icon="message"),
        ActivityType("task", "Task", icon="check", is_task=True),
        ActivityType("follow_up", "Follow-up", icon="clock", is_task=True),
    ]


@hookimpl
def crm_relationship_types() -> list[RelationshipType]:
    return [
        RelationshipType("works_at", "works at", "employs", source_kinds=("contact",), target_kinds=("company",)),
        RelationshipType("referred_by", "was referred by", "referred"),
        RelationshipType("reports_to", "reports to", "manages", source_kinds=("contact",), target_kinds=("contact",)),
        RelationshipType(
            "subsidiary_of", "is a subsidiary of", "is the parent of",
            source_kinds=("company",), target_kinds=("company",),
        ),
        RelationshipType("partner_of", "is a partner of", "is a partner of"),
        RelationshipType("competitor_of", "is a competitor of", "is a competitor of"),
    ]


@hookimpl
def crm_jobs() -> list[Job]:
    from crm_platform.imports.jobs import run_import
    from crm_platform.jobs.reminders import send_task_reminders

    return [
        Job("core.task_reminders", send_task_reminders, schedule="* * * * *"),
        Job("core.import", run_import),
    ]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [
        NavItem("home", "My day", "/", order=0),
        NavItem("contacts", "Contacts", "/contacts", order=10),
        NavItem("companies", "Companies", "/companies", order=20),
        NavItem("imports", "Imports", "/imports", order=900),
        NavItem("settings", "Settings", "/settings", order=1000),
    ]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    from crm_platform.activities.service import KIND as ACTIVITY
    from crm_platform.companies.service import KIND as COMPANY
    from crm_platform.contacts.service import KIND as CONTACT

    return [CONTACT, COMPANY, ACTIVITY]


@hookimpl
def crm_importers() -> list[Importer]:
    from crm_platform.imports.csvfile import CSV

    return [CSV]
