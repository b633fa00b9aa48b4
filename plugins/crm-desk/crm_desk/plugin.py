"""The desk plugin's hook implementations: what it registers and how it joins the pages."""

from __future__ import annotations

from pathlib import Path

from crm_hookspecs import (
    ActivityType,
    CliCommand,
    DatabaseApp,
    DemoData,
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
    StaticDir,
    TemplateDir,
    hookimpl,
)

from crm_desk import api, conversation, privacy, public, record_merges, service, sla_pages, tickets, web
from crm_desk import demo as desk_demo
from crm_desk.cli import desk_commands
from crm_desk.mail import outbound
from crm_desk.sla import watch

HERE = Path(__file__).parent


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Ticket desk", description="Customer service tickets with SLAs that explain themselves.")


@hookimpl
def crm_reports() -> list[ReportDefinition]:
    from crm_desk.reports import REPORTS

    return REPORTS


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_desk.piccolo_app")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    return [tickets.KIND]


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes(tuple(api.HANDLERS))]


@hookimpl
def crm_web_routes() -> list[Routes]:
    return [Routes(tuple([*web.HANDLERS, *sla_pages.HANDLERS, *public.HANDLERS]))]


@hookimpl
def crm_static_dirs() -> list[StaticDir]:
    return [StaticDir(str(HERE / "static"))]


@hookimpl
def crm_template_dirs() -> list[TemplateDir]:
    return [TemplateDir(str(HERE / "templates"))]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="desk", label="Tickets", href="/desk/", order=30, icon="inbox")]


@hookimpl
def crm_permissions() -> list[Permission]:
    return [service.CREATE, service.MANAGE]


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [conversation.REPLY_TYPE, conversation.NOTE_TYPE, conversation.CUSTOMER_TYPE]


@hookimpl
def crm_jobs() -> list[Job]:
    return [Job(watch.JOB, watch.run, schedule="* * * * *"), Job(outbound.JOB, outbound.send_reply)]


@hookimpl
def crm_cli_commands() -> list[CliCommand]:
    return [CliCommand(desk_commands)]


@hookimpl
def crm_settings() -> list[Setting]:
    return [
        Setting(
            "reopen_days", "Days a customer's reply reopens a solved ticket", default=7, kind="number",
            help="Later, or once the ticket is closed, the reply opens a new ticket linked to the old one.",
        ),
        Setting(
            "round_robin", "Assign a team's new tickets in turn", default=False, kind="boolean",
            help="A new ticket for a team, assigned to nobody, goes to the team's next active member.",
        ),
    ]


@hookimpl
async def crm_demo_data(demo: DemoData) -> str | None:
    return await desk_demo.load(demo)


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal) -> list[Panel]:
    panel = await web.tickets_panel(record_type, record_id, principal)
    return [panel] if panel else []


@hookimpl
def crm_personal_data() -> tuple[PersonalData, ...]:
    return privacy.DECLARATIONS


@hookimpl
async def crm_merge_links(merge: RecordMerge) -> dict | list[str] | None:
    return await record_merges.move_links(merge)
