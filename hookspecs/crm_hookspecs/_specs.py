"""The hook specifications: the whole plugin contract.

Registration hooks run once at start-up, synchronously, and return iterables of the frozen
types in :mod:`crm_hookspecs.types`. Runtime hooks receive live values and may be ``async``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from crm_hookspecs.events import Event
from crm_hookspecs.types import (
    ActivityType,
    CliCommand,
    DashboardWidget,
    DatabaseApp,
    FieldDefinition,
    Job,
    NavItem,
    Panel,
    Permission,
    PluginInfo,
    Principal,
    RecordAction,
    RecordTab,
    RelationshipType,
    Routes,
    SearchResult,
    Setting,
    StaticDir,
    TemplateDir,
    TimelineItem,
)

hookspec = pluggy.HookspecMarker("crm_platform")

# --- registration hooks ------------------------------------------------------------------


@hookspec(firstresult=True)
def crm_plugin_info() -> PluginInfo:
    """Describe the plugin: its label, the plugins it depends on, its priority.

    Plugins are ordered by dependencies, then ``priority`` (lower first), then slug.

    Example::

        @hookimpl
        def crm_plugin_info():
            return PluginInfo(label="Sales pipeline", depends_on=(), priority=50)
    """


@hookspec
def crm_database_apps() -> Iterable[DatabaseApp]:
    """Name the Piccolo apps holding the plugin's tables and migrations.

    Tables are prefixed with the plugin slug; migrations depend on the core's.
    ``crm migrate`` runs them for every installed plugin, enabled or not.

    Example::

        @hookimpl
        def crm_database_apps():
            return [DatabaseApp("crm_sales.piccolo_app")]
    """


@hookspec
def crm_api_routes() -> Iterable[Routes]:
    """Add REST API handlers, mounted under ``/api/v1/<slug>/``.

    They require authentication and answer 404 while the plugin is disabled.

    Example::

        @get("/deals")
        async def list_deals(principal: Principal) -> list[dict]: ...

        @hookimpl
        def crm_api_routes():
            return [Routes((list_deals,))]
    """


@hookspec
def crm_web_routes() -> Iterable[Routes]:
    """Add web pages, mounted under ``/<slug>/``; same rules as :func:`crm_api_routes`.

    Example::

        @hookimpl
        def crm_web_routes():
            return [Routes((board_page,))]
    """


@hookspec
def crm_template_dirs() -> Iterable[TemplateDir]:
    """Add a folder of Jinja2 templates (searched after themes and before core).

    Example::

        @hookimpl
        def crm_template_dirs():
            return [TemplateDir(str(Path(__file__).parent / "templates"))]
    """


@hookspec
def crm_static_dirs() -> Iterable[StaticDir]:
    """Add a folder of static files, served under ``/static/<slug>/``.

    Example::

        @hookimpl
        def crm_static_dirs():
            return [StaticDir(str(Path(__file__).parent / "static"))]
    """


@hookspec
def crm_nav_items() -> Iterable[NavItem]:
    """Add links to the main navigation.

    Example::

        @hookimpl
        def crm_nav_items():
            return [NavItem(key="deals", label="Deals", href="/sales/", order=20)]
    """


@hookspec
def crm_field_definitions() -> Iterable[FieldDefinition]:
    """Define custom fields on contacts or companies.

    Values are validated against the definition on every write; an unknown key is refused.

    Example::

        @hookimpl
        def crm_field_definitions():
            return [FieldDefinition("contact", "budget", "Budget", kind="number")]
    """


@hookspec
def crm_activity_types() -> Iterable[ActivityType]:
    """Add activity types to the shared registry (keys are unique across plugins).

    Example::

        @hookimpl
        def crm_activity_types():
            return [ActivityType(key="viewing", label="Property viewing", icon="home")]
    """


@hookspec
def crm_relationship_types() -> Iterable[RelationshipType]:
    """Add relationship types.

    Example::

        @hookimpl
        def crm_relationship_types():
            return [RelationshipType("landlord_of", "landlord of", "tenant of")]
    """


@hookspec
def crm_cli_commands() -> Iterable[CliCommand]:
    """Add click commands to ``crm``.

    Example::

        @click.command("stats")
        def stats(): click.echo("42 deals")

        @hookimpl
        def crm_cli_commands():
            return [CliCommand(stats)]
    """


@hookspec
def crm_permissions() -> Iterable[Permission]:
    """Declare named permissions and the roles holding them.

    Example::

        @hookimpl
        def crm_permissions():
            return [Permission("sales.export", "Export deals", roles=("admin", "manager"))]
    """


@hookspec
def crm_settings() -> Iterable[Setting]:
    """Declare instance settings, stored under the plugin's namespace.

    Example::

        @hookimpl
        def crm_settings():
            return [Setting("stale_after_days", "Days before a deal is stale", default=14)]
    """


@hookspec
def crm_jobs() -> Iterable[Job]:
    """Add background jobs, run by ``crm worker``; periodic when ``schedule`` is set.

    Jobs must be idempotent: one killed half-way runs again.

    Example::

        @hookimpl
        def crm_jobs():
            return [Job("sales.recalc", recalc_forecast, schedule="0 * * * *")]
    """


# --- runtime hooks -----------------------------------------------------------------------


@hookspec
def crm_event(event: Event) -> None:
    """Receive an event after the transaction that caused it has committed.

    May be ``async``. A failing listener is logged and does not affect the others.

    Example::

        @hookimpl
        async def crm_event(event):
            if isinstance(event, ContactCreated):
                await welcome(event.contact_id)
    """


@hookspec
def crm_record_panels(
    record_type: str, record_id: int, principal: Principal
) -> Iterable[Panel] | None:
    """Return panels for a record page. May be ``async``.

    Example::

        @hookimpl
        async def crm_record_panels(record_type, record_id, principal):
            if record_type == "contact":
                return [Panel("deals", "Deals", await render_deals(record_id))]
    """


@hookspec
def crm_record_tabs(record_type: str, record_id: int, principal: Principal) -> Iterable[RecordTab] | None:
    """Return tabs for a record page. May be ``async``.

    Example::

        @hookimpl
        def crm_record_tabs(record_type, record_id, principal):
            return [RecordTab("deals", "Deals", f"/sales/contact/{record_id}/deals")]
    """


@hookspec
def crm_record_actions(
    record_type: str, record_id: int, principal: Principal
) -> Iterable[RecordAction] | None:
    """Return buttons for a record page. May be ``async``.

    Example::

        @hookimpl
        def crm_record_actions(record_type, record_id, principal):
            return [RecordAction("new-deal", "New deal", f"/sales/deals/new?contact={record_id}")]
    """


@hookspec
def crm_dashboard_widgets(principal: Principal) -> Iterable[DashboardWidget] | None:
    """Return widgets for the home page. May be ``async``.

    Example::

        @hookimpl
        async def crm_dashboard_widgets(principal):
            return [DashboardWidget("pipeline", "My pipeline", await render(principal))]
    """


@hookspec
def crm_timeline_items(
    record_type: str, record_id: int, principal: Principal, limit: int
) -> Iterable[TimelineItem] | None:
    """Return up to ``limit`` of the newest timeline items a plugin keeps for a record.

    May be ``async``. They are merged with activities, newest first.

    Example::

        @hookimpl
        async def crm_timeline_items(record_type, record_id, principal, limit):
            return [TimelineItem("deal-7", when, "deal", "Deal won")]
    """


@hookspec
def crm_search(query: str, principal: Principal, limit: int) -> Iterable[SearchResult] | None:
    """Return global-search hits among the plugin's records. May be ``async``.

    Example::

        @hookimpl
        async def crm_search(query, principal, limit):
            return [SearchResult("deal", d.id, d.title, href=f"/sales/deals/{d.id}") for d in ...]
    """


@hookspec
def crm_check_access(
    principal: Principal, action: str, record_type: str, record: dict
) -> bool | None:
    """Veto access to a record: return ``False`` to deny, ``None`` to have no opinion.

    ``action`` is ``"read"``, ``"write"`` or ``"delete"``. Runs after the core's own
    ownership check, which it can only narrow.

    Example::

        @hookimpl
        def crm_check_access(principal, action, record_type, record):
            if record.get("custom", {}).get("vip") and principal.role == "member":
                return False
    """
