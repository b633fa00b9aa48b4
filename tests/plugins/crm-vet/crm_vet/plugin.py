"""The vet plugin's hooks: a record kind, a custom field, an activity type, a listener, a job,
a setting, a permission, an access rule, an API and a panel. Written from docs/plugins.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crm_hookspecs import (
    AccessFilter,
    ActivityType,
    DatabaseApp,
    Event,
    FieldDefinition,
    Job,
    Panel,
    Permission,
    PluginInfo,
    Principal,
    RecordKind,
    Routes,
    Setting,
    TemplateDir,
    hookimpl,
)
from crm_hookspecs.events import RecordCreated

from crm_platform.toolkit import create_task, get_record, has_permission, now, principal_for, setting
from crm_vet import api, jobs, pets

HERE = Path(__file__).parent


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Veterinary practice", description="Pets, their keepers, visits and vaccinations.")


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_vet.piccolo_app")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    return [pets.KIND]


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes((api.PetController,))]


@hookimpl
def crm_template_dirs() -> list[TemplateDir]:
    return [TemplateDir(str(HERE / "templates"))]


@hookimpl
def crm_field_definitions() -> list[FieldDefinition]:
    return [
        FieldDefinition("contact", "vet_preferred_vet", "Preferred vet", searchable=True),
        FieldDefinition("vet.pet", "vet_chip_number", "Microchip number", searchable=True),
        FieldDefinition("contact", "vet_first_pet", "First pet", kind="record", reference="vet.pet"),
    ]


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [ActivityType("vet_visit", "Visit", icon="paw")]


@hookimpl
def crm_settings() -> list[Setting]:
    return [Setting("welcome_call_days", "Days before the welcome call after a new pet", default=3, kind="number")]


@hookimpl
def crm_permissions() -> list[Permission]:
    return [Permission("vet.sensitive", "See and mark sensitive pets", roles=("admin", "manager"))]


@hookimpl
def crm_jobs() -> list[Job]:
    return [Job("vet.vaccination_reminders", jobs.vaccination_reminders, schedule="0 7 * * *")]


@hookimpl
async def crm_access_conditions(principal: Principal, action: str, record_type: str) -> list[AccessFilter] | None:
    if record_type != pets.KIND_KEY or await has_permission(principal, "vet.sensitive"):
        return None
    return [AccessFilter("sensitive = {}", (False,))]


@hookimpl
async def crm_event(event: Event) -> None:
    """A new pet's keeper gets a welcome call, owned by whoever registered the pet."""
    if not isinstance(event, RecordCreated) or event.kind != pets.KIND_KEY or event.actor_id is None:
        return
    actor = await principal_for(event.actor_id)
    if actor is None:
        return
    pet = await get_record(actor, pets.KIND_KEY, event.record_id)
    if pet["keeper"] is None:
        return
    days = int(await setting("vet", "welcome_call_days"))
    await create_task(
        actor, f"Welcome call about {pet['name']}", now() + dt.timedelta(days=days), type="follow_up",
        participant_ids=[pet["keeper"]], links=[{"record_type": pets.KIND_KEY, "record_id": pet["id"]}],
    )


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal) -> list[Panel] | None:
    if record_type != "contact":
        return None
    rows, _ = await pets.list_pets(principal, keeper_id=record_id)
    return [Panel("vet-pets", "Pets", template="vet/pets_panel.html", context={"pets": rows})]
