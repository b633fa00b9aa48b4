"""The hook specifications: the whole plugin contract.

Registration hooks run once at start-up, synchronously, and return iterables of the frozen
types in :mod:`crm_hookspecs.types`. Runtime hooks receive live values and may be ``async``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pluggy

from crm_hookspecs.events import Event
from crm_hookspecs.types import (
    AccessFilter,
    ActivityType,
    CliCommand,
    ContactRevenue,
    DashboardWidget,
    DatabaseApp,
    DemoData,
    FieldDefinition,
    Importer,
    Job,
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
    RecordTab,
    RelationshipType,
    ReportDefinition,
    Routes,
    SearchResult,
    Setting,
    StaticDir,
    TemplateDir,
    TimelineItem,
    WorkflowAction,
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
    """Declare named permissions and the roles holding them by default.

    Registration hook. Name permissions ``<slug>.<what>``; keys are unique across plugins. A
    permission does nothing by itself: check it where it matters with
    ``await toolkit.require_permission(principal, key)`` (or ``has_permission``). Admins see
    every enabled plugin's permissions in the Permissions table of the settings page and at
    ``GET /api/v1/permissions``, and grant or revoke each per role there or with
    ``PUT /api/v1/permissions/<key>``. Until they do, ``roles`` and admins hold it. A role
    outside admin, manager and member fails the plugin at load time.

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
    ``await toolkit.setting("<slug>", key)``, which falls back to ``default``. Each enabled
    plugin's settings get a section of the settings page, with a field of the setting's
    ``kind`` (a number input, a checkbox, a select of ``choices``, a date, url, email or text
    input), and are listed at ``GET /api/v1/settings`` and ``crm settings list``. Admins
    change them there, with ``PUT /api/v1/settings/<slug>/<key>`` or ``crm settings set``; a
    value that does not fit the kind is refused (422 naming the setting) and nothing is
    stored. A ``"choice"`` without ``choices``, or an unknown kind, fails the plugin at load
    time.

    Returns:
        :class:`~crm_hookspecs.types.Setting` items; keys are unique within the plugin.

    Example::

        @hookimpl
        def crm_settings():
            return [
                Setting("stale_after_days", "Days before a deal is stale", default=14, kind="number"),
                Setting("board_order", "Board order", default="value", kind="choice", choices=("value", "age")),
            ]
    """


@hookspec
def crm_jobs() -> Iterable[Job]:
    """Add background jobs, run by ``crm worker``.

    Registration hook. Name each job ``<slug>.<name>``. A job with a ``schedule``
    (five-field cron, UTC) runs periodically; one without is enqueued on demand with
    ``await toolkit.enqueue(name, **ids)``. ``func`` takes keyword ids only (int, str or
    ``None``, never records) and may be a coroutine function (``async def``, awaited on the
    worker's event loop, where the toolkit's database functions work) or a plain function
    (run in a thread). Jobs must be idempotent: one killed half-way runs again. The name, the
    schedule and ``func`` are checked when the plugin loads; a bad one fails the plugin.

    Returns:
        :class:`~crm_hookspecs.types.Job` items.

    Example::

        async def recalc_forecast(pipeline_id=None):
            ...

        @hookimpl
        def crm_jobs():
            return [
                Job("sales.recalc", recalc_forecast),
                Job("sales.nightly", recalc_forecast, schedule="30 2 * * *"),
            ]
    """


@hookspec
def crm_record_kinds() -> Iterable[RecordKind]:
    """Register kinds of records, so the core writes, checks and links them like its own.

    Registration hook. A registered kind goes through the core's one write pipeline
    (``toolkit.create_record`` / ``update_record`` / ``delete_record``: validate, write,
    tags, audit, search index, ``RecordCreated`` / ``RecordUpdated`` / ``RecordDeleted``
    events after commit), is read with the visibility rule (``toolkit.get_record``,
    ``get_records``), and can be linked from activities (a link to a missing or invisible
    record is refused). Keys are ``<slug>.<name>`` and unique; the core registers
    ``contact``, ``company`` and ``activity``. Added in crm-hookspecs 1.1.

    Returns:
        :class:`~crm_hookspecs.types.RecordKind` items.

    Example::

        @hookimpl
        def crm_record_kinds():
            return [RecordKind("vet.pet", "Pet", table=Pet, title_column="name", url="/vet/pets/{id}",
                               audited=("name", "species", "owner"), clean=clean_pet)]
    """


@hookspec
def crm_notification_kinds() -> Iterable[NotificationKind]:
    """Declare the kinds of notification the plugin sends, so users can choose their channels.

    Registration hook. Send a notification of a kind with
    ``await toolkit.notify(user_ids, subject, kind="sales.deal_moved", ...)``. Each user picks,
    per declared kind, in-app and/or email on the notifications page or at
    ``PUT /api/v1/notifications/preferences``; until they do, both channels are on (email only
    where the instance has ``CRM_SMTP_URL``). Keys are ``<slug>.<what>`` and unique across
    plugins. A kind that is not declared is still delivered, to both channels. Added in
    crm-hookspecs 1.2.

    Returns:
        :class:`~crm_hookspecs.types.NotificationKind` items.

    Example::

        @hookimpl
        def crm_notification_kinds():
            return [NotificationKind("sales.deal_moved", "Deal moved", help="A deal you own changed stage")]
    """


@hookspec
def crm_importers() -> Iterable[Importer]:
    """Add file formats that import runs read (vCard, another CRM's export, mail archives).

    Registration hook. An importer only reads a file into rows of text by column; the core
    does the rest for every format alike: it maps the columns to the fields of a record kind
    (the kind's columns and custom fields, plugin kinds included), shows a dry run per row,
    commits as a job with progress and a ledger, resumes after a crash, matches rows to
    what an earlier run wrote (so a re-run updates instead of duplicating) and rolls back.
    Keys are ``<slug>.<name>``; the core registers ``csv``, ``xlsx`` and ``vcard``. Added in crm-hookspecs 1.2.

    Returns:
        :class:`~crm_hookspecs.types.Importer` items.

    Example::

        def rows(path):
            for card in read_cards(path):  # one at a time, never the whole file
                yield {"name": card.fn, "email": card.email}

        @hookimpl
        def crm_importers():
            return [Importer("cards.vcard", "vCard", detect=lambda head, name: head.startswith(b"BEGIN:VCARD"),
                             columns=lambda path: ["name", "email"], rows=rows,
                             kinds=("contact",), extensions=(".vcf",))]
    """


@hookspec
def crm_reports() -> Iterable[ReportDefinition]:
    """Add reports: questions over records, drawn as charts, on the reports page and dashboards.

    Registration hook. Each report is listed at ``/reports`` and ``GET /api/v1/reports``, run
    at ``/reports/<key>`` and ``GET /api/v1/reports/<key>`` (JSON, or CSV with
    ``format=csv``), by ``crm report run <key>``, on dashboards and in scheduled emails. The
    core reads the date range (``from``, ``to``), the team (``team``: a team id or ``me``)
    and the report's own parameters from the query string, refuses a bad one with 422
    naming it, and hands ``run`` a :class:`~crm_hookspecs.types.ReportQuery`. ``run`` counts
    only what ``query.principal`` may see: build its WHERE from
    ``await toolkit.report_scope(query, record_type, table)``, which applies the visibility
    rule, every plugin's access conditions and the chosen people. Keys are ``<slug>.<name>``
    and unique. Added in crm-hookspecs 1.3.

    Returns:
        :class:`~crm_hookspecs.types.ReportDefinition` items.

    Example::

        async def deals_won(query):
            where, args = await report_scope(query, "sales.deal", "sales_deal")
            rows = await fetch("SELECT owner, count(*) AS won FROM sales_deal WHERE status = 'won' AND "
                               + " AND ".join(["closed_at >= {}", "closed_at < {}", *where])
                               + " GROUP BY owner", query.starts, query.ends, *args)
            return ReportResult((ReportColumn("owner", "Owner", "text"), ReportColumn("won", "Won")), rows)

        @hookimpl
        def crm_reports():
            return [ReportDefinition("sales.won", "Deals won", deals_won, group_by=("owner",), chart="bar")]
    """


@hookspec
def crm_workflow_actions() -> Iterable[WorkflowAction]:
    """Add steps that workflows can take (the automation plugin offers them in its builder).

    Registration hook. A workflow step names an action by its key (``<slug>.<name>``) and
    gives it settings; the automation plugin runs it when the workflow's trigger fires,
    inside the transaction that marks the step done in the run's ledger, so a worker that
    dies mid-run never does a step twice. Added in crm-hookspecs 1.3.

    Returns:
        :class:`~crm_hookspecs.types.WorkflowAction` items.

    Example::

        async def book_visit(call):
            if not call.dry_run:
                await create_task(call.principal, f"Visit {call.record['name']}", now())
            return {"booked": call.record_id}

        @hookimpl
        def crm_workflow_actions():
            return [WorkflowAction("vet.book_visit", "Book a visit", run=book_visit, params=("note",))]
    """


# --- runtime hooks -----------------------------------------------------------------------


@hookspec
def crm_personal_data() -> Iterable[PersonalData]:
    """Declare the personal data this plugin keeps about a contact, with its export and erasure.

    Registration hook. Every table of yours with rows about a contact (a column naming the
    contact, or a JSON list of contact ids) is declared once. A subject access export
    (``GET /api/v1/contacts/{id}/personal-data``, ``crm privacy export``) calls each
    declaration's ``export(contact_id)`` and puts what it returns under its key; an erasure
    (``POST /api/v1/contacts/{id}/erase``, ``crm privacy erase``) calls ``erase(contact_id)``
    inside its transaction, before the contact is deleted: delete the rows, or blank the
    personal fields of rows you must keep (an order's total, a ticket's history). Keys are
    ``<slug>.<name>`` and unique. Added in crm-hookspecs 1.3.

    Returns:
        :class:`~crm_hookspecs.types.PersonalData` items.

    Example::

        async def export_pets(contact_id):
            return await fetch("SELECT id, name, chip FROM vet_pet WHERE keeper = {}", contact_id)

        async def erase_pets(contact_id):
            rows = await fetch("DELETE FROM vet_pet WHERE keeper = {} RETURNING id", contact_id)
            return len(rows)

        @hookimpl
        def crm_personal_data():
            return [PersonalData("vet.pets", "vet_pet", "keeper", ("name", "chip"),
                                 export=export_pets, erase=erase_pets)]
    """


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
    record_type: str, record_id: int, principal: Principal, request: Any
) -> Iterable[Panel] | None:
    """Return panels for a record page.

    Runtime hook; may be ``async``. Called when a record page is rendered, for enabled plugins.
    Name only the arguments you use: ``request`` was added in 1.1, and implementations that
    leave it out keep working.

    Args:
        record_type: ``"contact"``, ``"company"`` or a plugin's record type.
        record_id: The record's id.
        principal: The signed-in user; show only what they may see.
        request: The Litestar request of the page being rendered (its query, cookies, session).

    Returns:
        :class:`~crm_hookspecs.types.Panel` items, each with escaped ``html`` or a
        ``template`` of the plugin's and its ``context``, or ``None``. Anything else is
        logged, naming the plugin, and left out.

    Example::

        @hookimpl
        async def crm_record_panels(record_type, record_id, principal, request):
            if record_type == "contact":
                deals = await open_deals(principal, record_id)
                return [Panel("deals", "Deals", template="sales/panel_deals.html", context={"deals": deals})]
    """


@hookspec
def crm_record_tabs(
    record_type: str, record_id: int, principal: Principal, request: Any
) -> Iterable[RecordTab] | None:
    """Return tabs for a record page.

    Runtime hook; may be ``async``. A tab's content is loaded from its ``href`` when opened.
    ``request`` was added in 1.1; name only the arguments you use.

    Args:
        record_type: ``"contact"``, ``"company"`` or a plugin's record type.
        record_id: The record's id.
        principal: The signed-in user.
        request: The Litestar request of the page being rendered.

    Returns:
        :class:`~crm_hookspecs.types.RecordTab` items, or ``None``. Anything else is logged,
        naming the plugin, and left out.

    Example::

        @hookimpl
        def crm_record_tabs(record_type, record_id, principal):
            return [RecordTab("deals", "Deals", f"/sales/contact/{record_id}/deals")]
    """


@hookspec
def crm_record_actions(
    record_type: str, record_id: int, principal: Principal, request: Any
) -> Iterable[RecordAction] | None:
    """Return buttons for a record page.

    Runtime hook; may be ``async``. ``request`` was added in 1.1; name only the arguments
    you use.

    Args:
        record_type: ``"contact"``, ``"company"`` or a plugin's record type.
        record_id: The record's id.
        principal: The signed-in user.
        request: The Litestar request of the page being rendered.

    Returns:
        :class:`~crm_hookspecs.types.RecordAction` items, or ``None``. Anything else is
        logged, naming the plugin, and left out.

    Example::

        @hookimpl
        def crm_record_actions(record_type, record_id, principal):
            return [RecordAction("new-deal", "New deal", f"/sales/deals/new?contact={record_id}")]
    """


@hookspec
def crm_dashboard_widgets(principal: Principal, request: Any) -> Iterable[DashboardWidget] | None:
    """Return widgets for the home page.

    Runtime hook; may be ``async``. Called when the home page is rendered. ``request`` was
    added in 1.1; name only the arguments you use.

    Args:
        principal: The signed-in user; show only what they may see.
        request: The Litestar request of the home page.

    Returns:
        :class:`~crm_hookspecs.types.DashboardWidget` items, each with escaped ``html`` or a
        ``template`` and its ``context``, or ``None``. Anything else is logged, naming the
        plugin, and left out.

    Example::

        @hookimpl
        async def crm_dashboard_widgets(principal):
            figures = await pipeline_figures(principal)
            return [DashboardWidget("pipeline", "My pipeline", template="sales/widget.html", context=figures)]
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
    principal: Principal, action: str, record_type: str, record: dict[str, Any]
) -> bool | None:
    """Veto access to a record.

    Runtime hook; may be ``async``. Runs after the core's own ownership check, which it can
    only narrow: any ``False`` denies (403), and a listener that raises denies too. It judges
    one record already read (a page, a write, a delete, ``toolkit.get_records``); a rule
    about which records a user sees at all belongs in :func:`crm_access_conditions`, which
    lists and search apply without reading each record.

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


@hookspec
def crm_access_conditions(principal: Principal, action: str, record_type: str) -> Iterable[AccessFilter] | None:
    """Narrow which records of a kind a user may see or change, as SQL conditions.

    Runtime hook; may be ``async``. Where :func:`crm_check_access` judges one record already
    read, a condition applies everywhere at once, without a query per row: to single reads,
    lists, search hits, activity links and embedded names. A record is visible only if it
    meets every condition of every enabled plugin, after the core's ownership rule. A
    listener that raises hides every record of the kind. Added in crm-hookspecs 1.1.

    Args:
        principal: The user asking.
        action: ``"read"``, ``"write"`` or ``"delete"``.
        record_type: ``"contact"``, ``"company"``, ``"activity"`` or a plugin's record kind.

    Returns:
        :class:`~crm_hookspecs.types.AccessFilter` items over the kind's table, or ``None``.

    Example::

        @hookimpl
        def crm_access_conditions(principal, action, record_type):
            if record_type == "contact" and principal.role == "member":
                return [AccessFilter("coalesce(json_extract(custom, '$.vip'), 0) = 0")]
    """


@hookspec
def crm_demo_data(demo: DemoData) -> str | None:
    """Add the plugin's own demo records to what ``crm demo`` loaded.

    Runtime hook; may be ``async``. Called once by ``crm demo`` (and ``make run`` on an empty
    database) for every enabled plugin, after the core's users, companies, contacts and
    activities are written. Write in bulk (``toolkit.create_records``, ``insert_rows``), not a
    statement per record, so a big demo stays quick, and derive every random choice from
    ``demo.seed`` so the same seed gives the same data. A listener that raises is logged and
    the demo keeps what the core and the other plugins loaded. Added in crm-hookspecs 1.2.

    Args:
        demo: A :class:`~crm_hookspecs.types.DemoData`: the seed, the moment the demo is
            relative to, the demo users, the companies and a sample of the contacts, each
            with its owner and the company it works at.

    Returns:
        A line for the summary ``crm demo`` prints (``"Loaded 120 deals."``), or ``None``.

    Example::

        @hookimpl
        async def crm_demo_data(demo):
            admin = await principal_for(demo.user_ids[0])
            pets = [{"name": f"Pet {n}", "keeper": c.contact_id, "owner": c.owner_id}
                    for n, c in enumerate(demo.contacts[:50])]
            await create_records(admin, "vet.pet", pets)
            return f"Loaded {len(pets)} pets."
    """


@hookspec
def crm_merge_links(merge: RecordMerge) -> dict[str, Any] | Iterable[str] | None:
    """Re-point this plugin's rows that link to a record being merged away (or put them back).

    Runtime hook; may be ``async``. Called inside the merge's transaction, before the merged
    record is deleted, for contacts, companies and every kind merged. Move the rows of your own
    tables that name ``merge.merged_id`` to ``merge.survivor_id`` in set-based SQL and return
    what undoing needs (JSON-serialisable), which the core keeps in its merge journal. When
    the merge is undone the hook is called again with ``merge.undo`` set to that value: put
    the rows back, and return a sentence for each thing that could not be restored. A listener
    that raises stops the merge or its undo, and nothing is written. Added in crm-hookspecs 1.2.

    Args:
        merge: A :class:`~crm_hookspecs.types.RecordMerge` naming the kind, the survivor, the
            merged-away record and, when undoing, this plugin's undo data.

    Returns:
        While merging, a dict of undo data or ``None``; while undoing, strings naming what
        could not be restored, or ``None``.

    Example::

        @hookimpl
        async def crm_merge_links(merge):
            if merge.kind != "contact":
                return None
            if merge.undo is None:
                ids = await move_watchers(merge.merged_id, merge.survivor_id)
                return {"watchers": ids}
            await move_watchers_back(merge.undo["watchers"], merge.merged_id)
    """


@hookspec
def crm_records_read(
    principal: Principal, record_type: str, records: list[dict[str, Any]], surface: str, request: Any
) -> None:
    """Be told which records a user is about to be shown, and hide values in what is shown.

    Runtime hook; may be ``async``. Called after the core read the records and checked that the
    user may see them, before it answers: for contacts on the contact page (``"page"``, its
    profile fragment and the merge form included), its edit form (``"form"``), ``GET /api/v1/contacts/{id}``
    (``"api"``), the API list and the list page (``"list"``), the CSV export (``"export"``),
    and the contact's audit history, on its page and at ``GET /api/v1/contacts/{id}/history``
    (``"history"``: each past version of its custom fields as a record ``{"id", "custom"}``).
    A plugin may log the read (a read audit) and may replace values in ``records`` (such as
    ``record["custom"]["x"]``) to mask them for this answer only: nothing is written back, and
    a form keeps the stored value, so mask on ``"form"`` only what the user may not change.
    Keep it quick: it runs on every such page and request, once for all the records of a
    list. A listener that raises is logged and the answer goes out as the others left it.
    Added in crm-hookspecs 1.3.

    Args:
        principal: The user reading.
        record_type: ``"contact"``.
        records: The records as the core is about to show them (the stored fields, ``custom``
            included); change values in place to mask them.
        surface: ``"page"``, ``"form"``, ``"api"``, ``"list"``, ``"export"`` or ``"history"``.
        request: The Litestar request being answered (``request.client.host`` says from
            where, ``request.query_params`` what was asked), or ``None`` outside a request.

    Returns:
        Nothing; the return value is ignored.

    Example::

        @hookimpl
        async def crm_records_read(principal, record_type, records, surface, request):
            for record in records:
                custom = record.get("custom") or {}
                if custom.get("vet_chip_number"):
                    custom["vet_chip_number"] = "•••" + custom["vet_chip_number"][-3:]
    """


@hookspec
def crm_contact_revenue(principal: Principal, contact_ids: list[int]) -> list[ContactRevenue] | None:
    """Say what these contacts brought in: the amounts of your won deals, orders or invoices.

    Runtime hook; may be ``async``. The core's referrals report asks it once for all the
    contacts its referrers brought in, to show the revenue of each referrer's contacts beside
    how many became customers. Count only records ``principal`` may see
    (``toolkit.visibility_sql``), one :class:`ContactRevenue` per contact and currency; a
    record linked to several of the contacts counts for each. Keep it to one query (the ids
    may be thousands: split them as SQLite's parameter limit asks). A plugin that raises is
    logged and left out. Added in crm-hookspecs 1.3.

    Args:
        principal: The user the report is for.
        contact_ids: The contacts, which ``principal`` may see.

    Returns:
        A list of :class:`ContactRevenue`, or ``None`` for nothing.

    Example::

        @hookimpl
        async def crm_contact_revenue(principal, contact_ids):
            where, args = await toolkit.visibility_sql(principal, "shop.order", alias="o")
            rows = await toolkit.fetch(
                "SELECT o.contact, o.currency, sum(o.total) AS amount FROM shop_order o "
                f"WHERE o.paid AND o.contact IN ({toolkit.placeholders(contact_ids)})"
                + "".join(f" AND {condition}" for condition in where) + " GROUP BY o.contact, o.currency",
                *contact_ids, *args,
            )
            return [ContactRevenue(row["contact"], row["currency"], float(row["amount"])) for row in rows]
    """
