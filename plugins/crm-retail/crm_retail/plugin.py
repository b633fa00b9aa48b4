"""The hook implementations of the ``retail`` plugin: orders as a record kind with its tables,
routes and pages, loyalty settings and permissions, the nightly RFM job, order importers for
Shopify and WooCommerce exports, a panel on contact pages and demo data. Only the contract:
``crm_hookspecs`` and ``crm_platform.toolkit``."""

from __future__ import annotations

from pathlib import Path

from crm_hookspecs import (
    CliCommand,
    DatabaseApp,
    DemoData,
    FieldDefinition,
    Importer,
    Job,
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
    TemplateDir,
    hookimpl,
)

from crm_retail import api, commands, importers, loyalty, merges, orders, privacy, rfm, web
from crm_retail import demo as demo_orders

HERE = Path(__file__).parent


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Retail", description="Orders, loyalty points and tiers, RFM segments and customer value.")


@hookimpl
def crm_reports() -> list[ReportDefinition]:
    from crm_retail.reports import REPORTS

    return REPORTS


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_retail.piccolo_app")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    return [orders.KIND]


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
    return [NavItem(key="retail", label="Orders", href="/retail/", order=60)]


@hookimpl
def crm_field_definitions() -> list[FieldDefinition]:
    return [FieldDefinition(orders.KIND_KEY, "retail_channel", "Sales channel", kind="choice",
                            choices=("online", "store", "marketplace", "phone"))]


@hookimpl
def crm_settings() -> list[Setting]:
    return list(loyalty.SETTINGS)


@hookimpl
def crm_permissions() -> list[Permission]:
    return [orders.CREATE, orders.EXPORT, rfm.RUN,
            Permission("retail.redeem", "Redeem customers' loyalty points", roles=("admin", "manager", "member"))]


@hookimpl
def crm_jobs() -> list[Job]:
    return [Job("retail.rfm_nightly", rfm.nightly, schedule="15 2 * * *")]


@hookimpl
def crm_cli_commands() -> list[CliCommand]:
    return [CliCommand(commands.retail)]


@hookimpl
def crm_importers() -> list[Importer]:
    return list(importers.IMPORTERS)


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal) -> list[Panel] | None:
    if record_type != "contact":
        return None
    return [await web.contact_panel(record_id, principal)]


@hookimpl
async def crm_merge_links(merge: RecordMerge) -> object:
    return await merges.move(merge)


@hookimpl
async def crm_demo_data(demo: DemoData) -> str | None:
    return await demo_orders.load(demo)


@hookimpl
def crm_personal_data() -> tuple[PersonalData, ...]:
    return privacy.DECLARATIONS
