"""The hook implementations of the ``realestate`` plugin: properties and offers as record kinds,
the contact fields of buyers, sellers, landlords and tenants, showings as an activity type,
matches both ways, and, with the sales plugin, the property a deal is about."""

from __future__ import annotations

from pathlib import Path

from crm_hookspecs import (
    ActivityType,
    DatabaseApp,
    DemoData,
    Event,
    FieldDefinition,
    NavItem,
    Panel,
    Permission,
    PersonalData,
    PluginInfo,
    Principal,
    RecordKind,
    RecordMerge,
    ReportDefinition,
    Routes,
    Setting,
    StaticDir,
    TemplateDir,
    hookimpl,
)
from crm_hookspecs.events import (
    MergeUndone,
    RecordCreated,
    RecordDeleted,
    RecordRestored,
    RecordsMerged,
    RecordUpdated,
)
from crm_platform.toolkit import list_users, principal_for

from crm_realestate import api, deals, fields, matching, merges, offers, privacy, properties, web
from crm_realestate import demo as demo_data

HERE = Path(__file__).parent
SHOWING = "realestate_showing"


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Real estate", description="Listings, buyers and tenants, showings, offers and matches.")


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_realestate.piccolo_app")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    return [properties.KIND, offers.KIND]


@hookimpl
def crm_field_definitions() -> list[FieldDefinition]:
    return list(fields.CONTACT_FIELDS)


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [ActivityType(SHOWING, "Showing", icon="home")]


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
def crm_static_dirs() -> list[StaticDir]:
    return [StaticDir(str(HERE / "static"))]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="realestate", label="Properties", href="/realestate/", order=60, icon="home")]


@hookimpl
def crm_settings() -> list[Setting]:
    return [
        Setting("currency", "Currency of buyers' budgets; listings in it are matched", default="EUR"),
        Setting("commission_rate", "Commission on won deals, in percent", default=3, kind="number",
                help="Applied to the amount of won deals linked to a property, in the commission report."),
    ]


@hookimpl
def crm_reports() -> list[ReportDefinition]:
    from crm_realestate.reports import REPORTS

    return REPORTS


@hookimpl
def crm_permissions() -> list[Permission]:
    return [properties.EXPORT]


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal) -> list[Panel] | None:
    if record_type == "contact":
        return await web.contact_panels(record_id, principal)
    if record_type == deals.DEAL_KIND:
        return await web.deal_panels(record_id, principal)
    return None


@hookimpl
async def crm_demo_data(demo: DemoData) -> str | None:
    return await demo_data.load(demo)


@hookimpl
async def crm_merge_links(merge: RecordMerge) -> dict | None:
    return await merges.move_links(merge)


@hookimpl
async def crm_event(event: Event) -> None:
    """Keep the buyers' wishes in step with their contacts. A deleted contact keeps its id on
    the listings it owned, so restoring it from the trash brings the link back; meanwhile no
    page names it, since names are read through the visibility rule."""
    if isinstance(event, RecordDeleted) and event.kind == "contact":
        await matching.forget([event.record_id])
    elif isinstance(event, RecordCreated | RecordUpdated | RecordRestored) and event.kind == "contact":
        await _refresh(event.actor_id, [event.record_id])
    elif isinstance(event, RecordsMerged | MergeUndone) and event.kind == "contact":
        await _refresh(event.actor_id, [event.survivor_id, event.merged_id])


async def _refresh(actor_id: int | None, contact_ids: list[int]) -> None:
    """The wishes are an index of what contacts want, whoever may see them now: they are read as
    an admin (the actor may have just handed the contact to another team). Who may see a match
    is decided when it is shown."""
    admin = next((user for user in await list_users() if user["role"] == "admin"), None)
    reader = await principal_for(admin["id"] if admin else actor_id) if (admin or actor_id) else None
    if reader is not None:
        await matching.refresh(reader, contact_ids)


@hookimpl
def crm_personal_data() -> tuple[PersonalData, ...]:
    return privacy.DECLARATIONS
