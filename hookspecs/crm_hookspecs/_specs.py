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

    Registration hook, called once at start-up. Plugins are ordered by dependencies, then
    ``priority`` (lower first), then slug; a plugin whose dependency is missing or failed is
    reported failed itself. Without this hook the plugin's label is its slug.

    Returns:
        One :class:`~crm_hookspecs.types.PluginInfo`.

    Example::

        @hookimpl
        def crm_plugin_info():
            return PluginInfo(label="Sales pipeline", depends_on=(), priority=50)
    """


@hookspec
def crm_database_apps() -> Iterable[DatabaseApp]:
    """Name the Piccolo apps holding the plugin's tables and migrations.

    Registration hook. Tables are prefixed with the plugin slug (``sales_deal``) and may
    reference core tables; the app's ``migration_dependencies`` name
    ``crm_platform.piccolo_app`` so its migrations run after the core's. ``crm migrate`` runs
    them for every installed plugin, enabled or not, so disabling never loses data.

    Returns:
        :class:`~crm_hookspecs.types.DatabaseApp` items, each the dotted path of a module
        defining ``APP_CONFIG``; a module may be named by one plugin only.

    Example::

        @hookimpl
        def crm_database_apps():
            return [DatabaseApp("crm_sales.piccolo_app")]
    """


@hookspec
def crm_api_routes() -> Iterable[Routes]:
    """Add REST API handlers, mounted under ``/api/v1/<slug>/``.

    Registration hook. The handlers require authentication (declare
    ``principal: CurrentPrincipal`` from :mod:`crm_platform.toolkit` to receive the caller)
    and answer 404 while the plugin is disabled.

    Returns:
        :class:`~crm_hookspecs.types.Routes` items holding Litestar handlers, controllers or
        routers.

    Example::

        @get("/deals")
        async def list_deals(principal: CurrentPrincipal) -> list[dict]: ...

        @hookimpl
        def crm_api_routes():
            return [Routes((list_deals,))]
    """


@hookspec
def crm_web_routes() -> Iterable[Routes]:
    """Add web pages, mounted under ``/<slug>/``.

    Registration hook; the same rules as :func:`crm_api_routes`: signed-in users only, and
    404 while the plugin is disabled. Render with the templates of :func:`crm_template_dirs`.

    Returns:
        :class:`~crm_hookspecs.types.Routes` items holding Litestar handlers.

    Example::

        @get("/board", media_type=MediaType.HTML)
        async def board_page(principal: CurrentPrincipal) -> str: ...

        @hookimpl
        def crm_web_routes():
            return [Routes((board_page,))]
    """


@hookspec
def crm_template_dirs() -> Iterable[TemplateDir]:
    """Add a folder of Jinja2 templates.

    Registration hook. Folders are searched after the instance's override folder and the
    theme, and before the core, so a theme can restyle a plugin's page. Keep the templates
    under ``<slug>/`` inside the folder; ``<slug>:<slug>/page.html`` always names the plugin's
    own file, so an override can extend the original it replaces.

    Returns:
        :class:`~crm_hookspecs.types.TemplateDir` items with absolute paths.

    Example::

        @hookimpl
        def crm_template_dirs():
            return [TemplateDir(str(Path(__file__).parent / "templates"))]
    """


@hookspec
def crm_static_dirs() -> Iterable[StaticDir]:
    """Add a folder of static files, served under ``/static/<slug>/``.

    Registration hook. A file ``board.css`` in the folder is served at
    ``/static/<slug>/board.css``; static files need no sign-in.

    Returns:
        :class:`~crm_hookspecs.types.StaticDir` items with absolute paths.

    Example::

        @hookimpl
        def crm_static_dirs():
            return [StaticDir(str(Path(__file__).parent / "static"))]
    """


@hookspec
def crm_nav_items() -> Iterable[NavItem]:
    """Add links to the main navigation.

    Registration hook. The web UI shows the items of enabled plugins, sorted by ``order``,
    to the users whose role is in ``roles``. Keys are unique across plugins.

    Returns:
        :class:`~crm_hookspecs.types.NavItem` items.

    Example::

        @hookimpl
        def crm_nav_items():
            return [NavItem(key="deals", label="Deals", href="/sales/", order=20)]
    """


@hookspec
def crm_field_definitions() -> Iterable[FieldDefinition]:
    """Define custom fields on contacts, companies or other record kinds.

    Registration hook. Values live in the record's ``custom`` JSON object and are validated
    against the definition on every write; while the plugin is disabled its fields are
    unknown, so writing them is refused with 422, and stored values are kept.
    ``record_type`` plus ``key`` is unique across plugins: prefix keys with the slug. A key
    must match ``FIELD_KEY_PATTERN`` (``^[a-z][a-z0-9_]{0,59}$``); a definition with another
    key, an unknown kind, a choice field without choices or a record field without a
    reference raises ``ValueError`` when made, and the plugin fails to load with that reason.

    Returns:
        :class:`~crm_hookspecs.types.FieldDefinition` items.

    Example::

        @hookimpl
        def crm_field_definitions():
            return [
                FieldDefinition("contact", "sales_budget", "Budget", kind="money", searchable=False),
                FieldDefinition("contact", "sales_account", "Account", kind="record", reference="company"),
            ]
    """


@hookspec
def crm_activity_types() -> Iterable[ActivityType]:
    """Add activity types to the timeline's shared registry.

    Registration hook. An activity of a type no enabled plugin registers is refused with 422.
    Keys are unique across plugins and the core (``call``, ``meeting``, ``email``, ``note``,
    ``task``, ``follow_up``, ``social_message``).

    Returns:
        :class:`~crm_hookspecs.types.ActivityType` items; ``is_task=True`` for types with a
        due date and an assignee.

    Example::

        @hookimpl
        def crm_activity_types():
            return [ActivityType(key="viewing", label="Property viewing", icon="home")]
    """


@hookspec
def crm_relationship_types() -> Iterable[RelationshipType]:
    """Add relationship types.

    Registration hook. A relationship reads ``source <label> target`` and
    ``target <inverse_label> source``; ``source_kinds`` and ``target_kinds`` limit what it
    may link. Keys are unique across plugins and the core.

    Returns:
        :class:`~crm_hookspecs.types.RelationshipType` items.

    Example::

        @hookimpl
        def crm_relationship_types():
            return [RelationshipType("landlord_of", "landlord of", "tenant of")]
    """


@hookspec
def crm_cli_commands() -> Iterable[CliCommand]:
    """Add click commands to the ``crm`` command.

    Registration hook. Each command (or group) is added to ``crm`` under its own name, which
    must not be a core command's: make it a group named after the slug (``crm sales ...``).
    Names are unique across plugins.

    Returns:
        :class:`~crm_hookspecs.types.CliCommand` items wrapping click commands.

    Example::

        @click.group("sales")
        def sales(): ...

        @sales.command("stats")
        def stats(): click.echo("42 deals")

        @hookimpl
        def crm_cli_commands():
            return [CliCommand(sales)]
    """


@hookspec
def crm_permissions() -> Iterable[Permission]:
    """Declare named permissions and the roles holding them.

    Registration hook. Name permissions ``<slug>.<what>``; keys are unique across plugins.

    Returns:
        :class:`~crm_hookspecs.types.Permission` items.

    Example::

        @hookimpl
        def crm_permissions():
            return [Permission("sales.export", "Export deals", roles=("admin", "manager"))]
    """


@hookspec
def crm_settings() -> Iterable[Setting]:
    """Declare instance settings, stored under the plugin's namespace.

    Registration hook. Values are stored per instance; the plugin reads one with
    ``await toolkit.setting("<slug>", key)``, which falls back to ``default``.

    Returns:
        :class:`~crm_hookspecs.types.Setting` items; keys are unique within the plugin.

    Example::

        @hookimpl
        def crm_settings():
            return [Setting("stale_after_days", "Days before a deal is stale", default=14)]
    """


@hookspec
def crm_jobs() -> Iterable[Job]:
    """Add background jobs, run by ``crm worker``.

    Registration hook. A job with a ``schedule`` (five-field cron) runs periodically; one
    without is enqueued on demand with plain ids as keyword arguments. Jobs must be
    idempotent: one killed half-way runs again. Names are unique: prefix them with the slug.

    Returns:
        :class:`~crm_hookspecs.types.Job` items.

    Example::

        @hookimpl
        def crm_jobs():
            return [Job("sales.recalc", recalc_forecast, schedule="0 * * * *")]
    """


# --- runtime hooks -----------------------------------------------------------------------


@hookspec
def crm_event(event: Event) -> None:
    """Receive an event after the transaction that caused it has committed.

    Runtime hook; may be ``async``. Called once per event for every enabled plugin, in plugin
    order; an event of a rolled-back write is never delivered. A listener that raises is
    logged and the others still receive the event. Plugins define their own events by
    subclassing :class:`~crm_hookspecs.events.Event` and emit them with
    ``toolkit.unit_of_work()``.

    Args:
        event: A frozen :class:`~crm_hookspecs.events.Event`, such as ``ContactCreated``.

    Returns:
        Nothing; the return value is ignored.

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
    """Return panels for a record page.

    Runtime hook; may be ``async``. Called when a record page is rendered, for enabled plugins.

    Args:
        record_type: ``"contact"``, ``"company"`` or a plugin's record type.
        record_id: The record's id.
        principal: The signed-in user; show only what they may see.

    Returns:
        :class:`~crm_hookspecs.types.Panel` items with escaped HTML, or ``None``.

    Example::

        @hookimpl
        async def crm_record_panels(record_type, record_id, principal):
            if record_type == "contact":
                return [Panel("deals", "Deals", await render_deals(record_id))]
    """


@hookspec
def crm_record_tabs(record_type: str, record_id: int, principal: Principal) -> Iterable[RecordTab] | None:
    """Return tabs for a record page.

    Runtime hook; may be ``async``. A tab's content is loaded from its ``href`` when opened.

    Args:
        record_type: ``"contact"``, ``"company"`` or a plugin's record type.
        record_id: The record's id.
        principal: The signed-in user.

    Returns:
        :class:`~crm_hookspecs.types.RecordTab` items, or ``None``.

    Example::

        @hookimpl
        def crm_record_tabs(record_type, record_id, principal):
            return [RecordTab("deals", "Deals", f"/sales/contact/{record_id}/deals")]
    """


@hookspec
def crm_record_actions(
    record_type: str, record_id: int, principal: Principal
) -> Iterable[RecordAction] | None:
    """Return buttons for a record page.

    Runtime hook; may be ``async``.

    Args:
        record_type: ``"contact"``, ``"company"`` or a plugin's record type.
        record_id: The record's id.
        principal: The signed-in user.

    Returns:
        :class:`~crm_hookspecs.types.RecordAction` items, or ``None``.

    Example::

        @hookimpl
        def crm_record_actions(record_type, record_id, principal):
            return [RecordAction("new-deal", "New deal", f"/sales/deals/new?contact={record_id}")]
    """


@hookspec
def crm_dashboard_widgets(principal: Principal) -> Iterable[DashboardWidget] | None:
    """Return widgets for the home page.

    Runtime hook; may be ``async``. Called when the home page is rendered.

    Args:
        principal: The signed-in user; show only what they may see.

    Returns:
        :class:`~crm_hookspecs.types.DashboardWidget` items with escaped HTML, or ``None``.

    Example::

        @hookimpl
        async def crm_dashboard_widgets(principal):
            return [DashboardWidget("pipeline", "My pipeline", await render(principal))]
    """


@hookspec
def crm_timeline_items(
    record_type: str, record_id: int, principal: Principal, limit: int
) -> Iterable[TimelineItem] | None:
    """Return the newest timeline items a plugin keeps for a record.

    Runtime hook; may be ``async``. The core merges them with the record's activities, newest
    first, in ``GET /api/v1/contacts/{id}/timeline`` and on the record page.

    Args:
        record_type: ``"contact"`` or ``"company"``.
        record_id: The record's id.
        principal: The signed-in user; return only what they may see.
        limit: Return at most this many items.

    Returns:
        :class:`~crm_hookspecs.types.TimelineItem` items, or ``None``.

    Example::

        @hookimpl
        async def crm_timeline_items(record_type, record_id, principal, limit):
            return [TimelineItem("deal-7", when, "deal", "Deal won")]
    """


@hookspec
def crm_search(query: str, principal: Principal, limit: int) -> Iterable[SearchResult] | None:
    """Return global-search hits among the plugin's records.

    Runtime hook; may be ``async``. Called by global search beside the core's own index.

    Args:
        query: What the user typed.
        principal: The signed-in user; return only what they may see.
        limit: Return at most this many hits.

    Returns:
        :class:`~crm_hookspecs.types.SearchResult` items, or ``None``.

    Example::

        @hookimpl
        async def crm_search(query, principal, limit):
            return [SearchResult("deal", d.id, d.title, href=f"/sales/deals/{d.id}") for d in ...]
    """


@hookspec
def crm_check_access(
    principal: Principal, action: str, record_type: str, record: dict
) -> bool | None:
    """Veto access to a record.

    Runtime hook; may be ``async``. Runs after the core's own ownership check, which it can
    only narrow: any ``False`` denies (403), and a listener that raises denies too.

    Args:
        principal: The user asking.
        action: ``"read"``, ``"write"`` or ``"delete"``.
        record_type: ``"contact"``, ``"company"`` or a plugin's record type.
        record: The record's stored fields, including ``owner`` and ``custom``.

    Returns:
        ``False`` to deny, ``None`` to have no opinion.

    Example::

        @hookimpl
        def crm_check_access(principal, action, record_type, record):
            if record.get("custom", {}).get("vip") and principal.role == "member":
                return False
    """
