"""The sales plugin's hook implementations: what it registers and how it joins the pages."""

from __future__ import annotations

from pathlib import Path

from crm_hookspecs import (
    ActivityType,
    ContactRevenue,
    DashboardWidget,
    DatabaseApp,
    DemoData,
    NavItem,
    NotificationKind,
    Panel,
    Permission,
    PersonalData,
    PluginInfo,
    Principal,
    RecordAction,
    RecordKind,
    RecordMerge,
    ReportDefinition,
    Routes,
    Setting,
    StaticDir,
    TemplateDir,
    hookimpl,
)

from crm_sales import deals, merges, privacy, slots, web
from crm_sales import demo as sales_demo
from crm_sales.api import EXPORT, HANDLERS
from crm_sales.moves import ACTIVITY_TYPE, DEAL_MOVED

HERE = Path(__file__).parent
LOST_REASONS = ("Price", "Competitor", "No budget", "No decision", "Timing", "Other")


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Sales pipeline", description="Pipelines, deals, a Kanban board and the forecast.")


@hookimpl
def crm_reports() -> list[ReportDefinition]:
    from crm_sales.reports import REPORTS

    return REPORTS


@hookimpl
async def crm_contact_revenue(principal: Principal, contact_ids: list[int]) -> list[ContactRevenue]:
    """Won deals' amounts of the contacts the core's referrals report asks about."""
    from crm_sales.reports import contact_revenue

    return await contact_revenue(principal, contact_ids)


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_sales.piccolo_app")]


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes(HANDLERS)]


@hookimpl
def crm_web_routes() -> list[Routes]:
    return [Routes(web.HANDLERS)]


@hookimpl
def crm_template_dirs() -> list[TemplateDir]:
    return [TemplateDir(str(HERE / "templates"))]


@hookimpl
def crm_static_dirs() -> list[StaticDir]:
    return [StaticDir(str(HERE / "static"))]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="sales", label="Deals", href="/sales/", order=20, icon="briefcase")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    return [deals.KIND]


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [ActivityType(key=ACTIVITY_TYPE, label="Deal stage change", icon="briefcase")]


@hookimpl
def crm_notification_kinds() -> list[NotificationKind]:
    return [NotificationKind(DEAL_MOVED, "Deal moved", help="Someone else moves a deal you own to another stage")]


@hookimpl
def crm_permissions() -> list[Permission]:
    # Every role by default, as before there was a permission: an admin can take it away.
    return [Permission(EXPORT, "Export deals and the forecast as CSV", roles=("admin", "manager", "member"))]


@hookimpl
def crm_settings() -> list[Setting]:
    return [
        Setting("lost_reasons", "Reasons a deal is lost", default=LOST_REASONS, help="One reason per line."),
        Setting("default_currency", "Currency of new deals", default=None,
                help="An ISO 4217 code. Empty: the instance's currency (core settings); a user's own choice wins."),
        Setting(
            "stale_after_days", "Days without activity before a deal is stale", default=14, kind="number",
            help="A stage's own value wins over this one.",
        ),
    ]


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal) -> list[Panel]:
    panel = await slots.deals_panel(record_type, record_id, principal)
    return [panel] if panel else []


@hookimpl
def crm_record_actions(record_type: str, record_id: int) -> list[RecordAction]:
    action = slots.new_deal_action(record_type, record_id)
    return [action] if action else []


@hookimpl
async def crm_demo_data(demo: DemoData) -> str | None:
    return await sales_demo.load(demo)


@hookimpl
async def crm_dashboard_widgets(principal: Principal) -> list[DashboardWidget]:
    return [await slots.pipeline_widget(principal)]


@hookimpl
async def crm_merge_links(merge: RecordMerge) -> dict | list[str] | None:
    return await merges.move_links(merge)


@hookimpl
def crm_personal_data() -> tuple[PersonalData, ...]:
    return privacy.DECLARATIONS
