"""What the core itself registers through the contract, like any plugin would."""

from __future__ import annotations

from crm_hookspecs import (
    ActivityType,
    Event,
    Importer,
    Job,
    NavItem,
    NotificationKind,
    RecordKind,
    RelationshipType,
    ReportDefinition,
    Setting,
    hookimpl,
)


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
    from crm_platform.backup import scheduled
    from crm_platform.bulk.service import JOB as BULK_JOB
    from crm_platform.bulk.service import run_bulk_action
    from crm_platform.imports.jobs import run_import
    from crm_platform.jobs.reminders import remind_tasks
    from crm_platform.mail.outbox import SEND_JOB, send_batch
    from crm_platform.merges import scan
    from crm_platform.outbox.delivery import deliver_pending
    from crm_platform.reports import schedules
    from crm_platform.trash.service import purge_expired

    return [
        Job("core.task_reminders", remind_tasks, schedule="* * * * *"),
        Job("core.trash_purge", purge_expired, schedule="7 * * * *"),
        Job("core.import", run_import),
        Job(BULK_JOB, run_bulk_action),
        Job(SEND_JOB, send_batch),
        Job(schedules.JOB, schedules.send_due, schedule="*/15 * * * *"),
        Job(scan.JOB, scan.run_scan),
        Job("core.outbox_deliver", deliver_pending, schedule="* * * * *"),
        Job(scheduled.JOB, scheduled.scheduled_backup, schedule=scheduled.SCHEDULE),
    ]


@hookimpl
def crm_settings() -> list[Setting]:
    from crm_platform.regional.preferences import instance_settings
    from crm_platform.trash.store import KEEP_DAYS_DEFAULT, KEEP_DAYS_KEY

    return [
        Setting(KEEP_DAYS_KEY, "Days deleted records stay in the trash", default=KEEP_DAYS_DEFAULT, kind="number",
                help="After this many days a deleted record is purged for good and can no longer be restored."),
        *instance_settings(),
    ]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [
        NavItem("home", "My day", "/", order=0),
        NavItem("contacts", "Contacts", "/contacts", order=10),
        NavItem("companies", "Companies", "/companies", order=20),
        NavItem("tasks", "Tasks", "/tasks", order=30),
        NavItem("calendar", "Calendar", "/calendar", order=40),
        NavItem("reports", "Reports", "/reports", order=50),
        NavItem("imports", "Imports", "/imports", order=900),
        NavItem("trash", "Trash", "/trash", order=910),
        NavItem("settings", "Settings", "/settings", order=1000),
    ]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    from crm_platform.activities.service import KIND as ACTIVITY
    from crm_platform.companies.service import KIND as COMPANY
    from crm_platform.contacts.service import KIND as CONTACT

    return [CONTACT, COMPANY, ACTIVITY]


@hookimpl
def crm_notification_kinds() -> list[NotificationKind]:
    from crm_platform.notifications.kinds import CORE_KINDS

    return CORE_KINDS


@hookimpl
async def crm_event(event: Event) -> None:
    """The core's own notifications of what people wrote: assigned to you, mentioned; and
    the reports' daily activity counts."""
    from crm_platform.notifications.sources import on_event
    from crm_platform.reports import aggregates

    try:
        await on_event(event)
    finally:  # a notification that fails must not leave the counts behind
        await aggregates.on_event(event)


@hookimpl
def crm_importers() -> list[Importer]:
    from crm_platform.imports.csvfile import CSV
    from crm_platform.imports.vcardfile import VCARD
    from crm_platform.imports.xlsxfile import XLSX

    return [CSV, VCARD, XLSX]


@hookimpl
def crm_reports() -> list[ReportDefinition]:
    from crm_platform.reports.builtin import reports

    return reports()
