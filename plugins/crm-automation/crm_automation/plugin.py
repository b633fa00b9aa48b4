"""The automation plugin's hook implementations: what it registers and how it listens."""

from __future__ import annotations

import html
from pathlib import Path

from crm_hookspecs import (
    DatabaseApp,
    DemoData,
    Event,
    Job,
    NavItem,
    NotificationKind,
    Panel,
    Permission,
    PersonalData,
    PluginInfo,
    Principal,
    Routes,
    Setting,
    TemplateDir,
    TimelineItem,
    hookimpl,
)

from crm_automation import demo as demo_workflows
from crm_automation import (  # noqa: F401 - events: its classes are triggers
    engine,
    events,
    privacy,
    rescoring,
    runs,
    scoring,
    sequence_api,
    sequences,
    timed,
    web,
    webhooks,
)
from crm_automation.api import HANDLERS, MANAGE, VIEW
from crm_platform.toolkit import has_permission

HERE = Path(__file__).parent


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Automation", description="Workflows that act on what happens in the CRM.")


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_automation.piccolo_app")]


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes((*HANDLERS, *sequence_api.HANDLERS))]


@hookimpl
def crm_web_routes() -> list[Routes]:
    return [Routes(web.HANDLERS)]


@hookimpl
def crm_template_dirs() -> list[TemplateDir]:
    return [TemplateDir(str(HERE / "templates"))]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="automation", label="Automation", href="/automation/", order=70,
                    roles=("admin", "manager"))]


@hookimpl
def crm_permissions() -> list[Permission]:
    return [
        Permission(VIEW, "See workflows and their runs", roles=("admin", "manager", "member")),
        Permission(MANAGE, "Build, change, switch on and off workflows and webhook endpoints",
                   roles=("admin", "manager")),
    ]


@hookimpl
def crm_settings() -> list[Setting]:
    return [
        Setting("allow_private_webhook_targets", "Let webhooks call private and loopback addresses", default=False,
                kind="boolean", help="Only for tests and closed networks: it turns the SSRF guard's address "
                "check off (schemes, ports and redirects stay refused)."),
        Setting("webhook_ports", "Ports webhooks may call", default="80,443,8080,8443",
                help="Comma-separated port numbers; any other port is refused."),
    ]


@hookimpl
def crm_jobs() -> list[Job]:
    return [
        Job("automation.run", engine.execute_run),
        Job("automation.deliver", webhooks.deliver),
        Job("automation.resume", engine.resume_due, schedule="* * * * *"),
        Job("automation.time_triggers", timed.scan, schedule=timed.SCHEDULE),
        Job("automation.sequences", sequences.advance, schedule="* * * * *"),
        Job("automation.rescore", rescoring.rescore_decaying, schedule=rescoring.SCHEDULE),
    ]


@hookimpl
def crm_notification_kinds() -> list[NotificationKind]:
    return [NotificationKind("automation.workflow", "Workflow notifications",
                             help="A workflow's step notifies you")]


@hookimpl
async def crm_event(event: Event) -> None:
    await scoring.on_event(event)
    await sequences.on_event(event)
    await engine.on_event(event)


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal) -> list[Panel]:
    if record_type != "contact":
        return []
    found = await scoring.score(principal, record_id)
    why = ", ".join(scoring.reason(item) for item in found["why"]) or "no rule applies"
    return [Panel("automation-score", "Lead score", html=f"<p><strong>{found['score']}</strong> — "
                  f"{html.escape(why)}</p>")]


@hookimpl
async def crm_timeline_items(record_type: str, record_id: int, principal: Principal, limit: int
                             ) -> list[TimelineItem]:
    if not await has_permission(principal, VIEW):
        return []
    return [
        TimelineItem(key=f"run-{run['id']}", occurred_at=run["created_at"], kind="workflow_run",
                     title=f"Workflow “{run['workflow_name']}” (v{run['version']}): {run['state']}",
                     href=f"/automation/runs/{run['id']}")
        for run in await runs.of_record(record_type, record_id, limit)
    ]


@hookimpl
async def crm_demo_data(demo: DemoData) -> str | None:
    return await demo_workflows.load(demo)


@hookimpl
def crm_personal_data() -> tuple[PersonalData, ...]:
    return privacy.DECLARATIONS
