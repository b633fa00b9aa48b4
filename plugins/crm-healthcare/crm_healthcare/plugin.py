"""The hook implementations of the ``healthcare`` plugin: patient fields on contacts, appointments
as an activity type with reminders, clinical notes as a record kind, and the read audit with the
member id masked (``crm_records_read``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crm_hookspecs import (
    ActivityType,
    DatabaseApp,
    DemoData,
    Event,
    FieldDefinition,
    Job,
    NavItem,
    NotificationKind,
    Panel,
    Permission,
    PersonalData,
    PluginInfo,
    Principal,
    RecordKind,
    Routes,
    Setting,
    TemplateDir,
    hookimpl,
)
from crm_hookspecs.events import RecordDeleted, RecordRestored

from crm_healthcare import api, appointments, audit, demo_records, notes, patients, privacy, web

HERE = Path(__file__).parent


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Healthcare", description="Patients, appointments, clinical notes and a read audit.")


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_healthcare.piccolo_app")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    return [notes.KIND]


@hookimpl
def crm_field_definitions() -> list[FieldDefinition]:
    return patients.FIELDS


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [appointments.ACTIVITY_TYPE]


@hookimpl
def crm_notification_kinds() -> list[NotificationKind]:
    return [appointments.REMINDER]


@hookimpl
def crm_jobs() -> list[Job]:
    return [Job("healthcare.appointment_reminders", appointments.send_reminders, schedule="*/15 * * * *"),
            Job("healthcare.appointments_purge", appointments.purge_trashed, schedule="17 3 * * *")]


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes(tuple(api.HANDLERS))]


@hookimpl
def crm_web_routes() -> list[Routes]:
    return [Routes(tuple(web.HANDLERS))]


@hookimpl
def crm_template_dirs() -> list[TemplateDir]:
    return [TemplateDir(str(HERE / "templates"))]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="healthcare_no_shows", label="No-shows", href="/healthcare/no-shows", order=60)]


@hookimpl
def crm_settings() -> list[Setting]:
    return [Setting("reminder_hours", "Hours before an appointment its booker is reminded", default=24,
                    kind="number")]


@hookimpl
def crm_permissions() -> list[Permission]:
    return [notes.CLINICAL, audit.VIEW, patients.REVEAL]


@hookimpl
async def crm_records_read(
    principal: Principal, record_type: str, records: list[dict[str, Any]], surface: str, request: Any
) -> None:
    if record_type == "contact":
        await patients.records_read(principal, records, surface, request)


@hookimpl
async def crm_check_access(principal: Principal, action: str, record_type: str, record: dict) -> bool | None:
    """Changing or deleting a clinical note (and so restoring it) takes healthcare.clinical too."""
    if record_type != notes.KIND_KEY or action == "read":
        return None
    return None if await notes.may_read_content(principal) else False


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal, request: Any) -> list[Panel] | None:
    if record_type != "contact":
        return None
    return [await web.contact_panel(request, record_id, principal)]


@hookimpl
async def crm_event(event: Event) -> None:
    """An appointment follows its activity to the trash and back."""
    if isinstance(event, RecordDeleted) and event.kind == "activity":
        await appointments.trash_with_activity(event.record_id)
    elif isinstance(event, RecordRestored) and event.kind == "activity":
        await appointments.restore_with_activity(event.record_id)


@hookimpl
async def crm_demo_data(demo: DemoData) -> str | None:
    return await demo_records.load(demo)


@hookimpl
def crm_personal_data() -> tuple[PersonalData, ...]:
    return privacy.DECLARATIONS
