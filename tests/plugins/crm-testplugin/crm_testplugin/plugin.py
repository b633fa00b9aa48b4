"""The hook implementations of the ``probe`` plugin: one of every hook in the contract."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click
from crm_hookspecs import (
    ActivityType,
    CliCommand,
    DashboardWidget,
    DatabaseApp,
    Event,
    FieldDefinition,
    Importer,
    Job,
    NavItem,
    NotificationKind,
    Panel,
    Permission,
    PluginInfo,
    Principal,
    RecordAction,
    RecordKind,
    RecordTab,
    RelationshipType,
    Routes,
    SearchResult,
    Setting,
    StaticDir,
    TemplateDir,
    TimelineItem,
    WorkflowAction,
    hookimpl,
)

from crm_platform import toolkit
from crm_testplugin import api, events, lines, notes
from crm_testplugin.tables import ProbeNote

HERE = Path(__file__).parent
# Contacts with this tag cannot be deleted while the plugin is enabled.
LOCKED_TAG = "probe-locked"

# --- registration hooks ----------------------------------------------------------------


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label="Probe", description="Notes on contacts; exercises every hook.")


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_testplugin.piccolo_app")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    # A note's author owns it; activities may link to notes, and the search index may hold them.
    return [RecordKind("probe.note", "Probe note", table=ProbeNote, title_column="text", owner_column="author_id")]


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes((api.NoteController, api.received_events, api.greeting, api.export_notes))]


@hookimpl
def crm_web_routes() -> list[Routes]:
    return [Routes((api.probe_page, api.contact_notes_tab))]


@hookimpl
def crm_template_dirs() -> list[TemplateDir]:
    return [TemplateDir(str(HERE / "templates"))]


@hookimpl
def crm_static_dirs() -> list[StaticDir]:
    return [StaticDir(str(HERE / "static"))]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="probe", label="Probe", href="/probe/", order=90)]


@hookimpl
def crm_field_definitions() -> list[FieldDefinition]:
    return [FieldDefinition("contact", "probe_score", "Probe score", kind="number")]


@hookimpl
def crm_activity_types() -> list[ActivityType]:
    return [ActivityType(key="probe_visit", label="Probe visit", icon="search")]


@hookimpl
def crm_relationship_types() -> list[RelationshipType]:
    return [
        RelationshipType(
            "probe_mentor_of",
            "mentors",
            "is mentored by",
            source_kinds=("contact",),
            target_kinds=("contact",),
        )
    ]


@click.group("probe")
def probe_commands() -> None:
    """Commands of the probe plugin."""


@probe_commands.command("hello")
def hello() -> None:
    """Say that the probe plugin is here."""
    click.echo("probe says hello")


@probe_commands.command("users")
def count_users() -> None:
    """Count the instance's users: a command that reads the database through the toolkit."""
    users = toolkit.run_command(toolkit.list_users)
    click.echo(f"{len(users)} users")


@hookimpl
def crm_cli_commands() -> list[CliCommand]:
    return [CliCommand(probe_commands)]


@hookimpl
def crm_permissions() -> list[Permission]:
    return [Permission("probe.export", "Export probe notes", roles=("admin", "manager"))]


@hookimpl
def crm_settings() -> list[Setting]:
    # One of every kind, so the API, the CLI and the settings page are tested on each.
    return [
        Setting("greeting", "Greeting on the probe page", default="hello"),
        Setting("page_size", "Notes per page", default=20, kind="number"),
        Setting("shout", "Greet in capitals", default=False, kind="boolean"),
        Setting("tone", "Tone of the greeting", default="plain", kind="choice", choices=("plain", "warm")),
        Setting("launch_on", "Launch date", kind="date", help="When the probe goes live."),
        Setting("homepage", "Home page", kind="url"),
        Setting("reply_to", "Reply address", kind="email"),
    ]


async def count_notes(contact_id: int) -> int:
    rows = await toolkit.fetch("SELECT COUNT(*) AS n FROM probe_note WHERE contact = {}", contact_id)
    return rows[0]["n"]


@hookimpl
def crm_jobs() -> list[Job]:
    return [Job("probe.count_notes", count_notes)]


@hookimpl
def crm_notification_kinds() -> list[NotificationKind]:
    return [NotificationKind("probe.note_added", "Probe note added", help="A probe note was written")]


@hookimpl
def crm_importers() -> list[Importer]:
    return [lines.LINES]


async def pause(call: Any) -> dict[str, Any]:
    """A workflow step that says it started (a line in ``PROBE_PAUSE_MARKER``) and then waits
    ``PROBE_PAUSE_SECONDS``: a worker can be killed in the middle of it."""
    if call.dry_run:
        return {"would": "pause"}
    marker = os.environ.get("PROBE_PAUSE_MARKER")
    if marker:
        with open(marker, "a", encoding="utf-8") as file:
            file.write(f"{call.run_id}:{call.position}\n")
    seconds = float(os.environ.get("PROBE_PAUSE_SECONDS") or 0)
    if seconds:
        await asyncio.sleep(seconds)
    return {"paused_seconds": seconds, "note": call.params.get("note", "")}


@hookimpl
def crm_workflow_actions() -> list[WorkflowAction]:
    return [WorkflowAction("probe.pause", "Pause (for tests)", run=pause, params=("note",),
                           check=lambda params: {} if len(str(params.get("note", ""))) <= 100
                           else {"note": "must be at most 100 characters"})]


# --- runtime hooks -----------------------------------------------------------------------


@hookimpl
async def crm_event(event: Event) -> None:
    events.RECEIVED.append(event)
    if isinstance(event, events.ProbeNoteAdded):
        rows = await toolkit.fetch("SELECT id FROM probe_note WHERE id = {}", event.note_id)
        events.NOTE_VISIBLE_TO_LISTENER[event.note_id] = bool(rows)


@hookimpl
async def crm_record_panels(
    record_type: str, record_id: int, principal: Principal, request: Any
) -> list[Panel] | None:
    if record_type != "contact":
        return None
    count = await count_notes(record_id)
    latest = await notes.for_contact(principal, record_id, 1)
    return [
        # Both forms of a panel: HTML the plugin escaped itself, and a template the core renders.
        Panel("probe-notes", "Probe notes", f'<p class="probe-panel">{count} notes</p>'),
        Panel(
            "probe-latest", "Latest probe note", template="probe/panel_latest.html",
            context={"latest": latest[0]["text"] if latest else None, "asked_for": _path(request)},
            order=110,
        ),
    ]


def _path(request: Any) -> str | None:
    # Hooks called outside a page (tests call the host directly) get no request.
    return request.url.path if request is not None else None


@hookimpl
def crm_record_tabs(record_type: str, record_id: int, principal: Principal) -> list[RecordTab] | None:
    if record_type != "contact":
        return None
    return [RecordTab("probe-notes", "Notes", f"/probe/contacts/{record_id}/notes")]


@hookimpl
def crm_record_actions(record_type: str, record_id: int, principal: Principal) -> list[RecordAction] | None:
    if record_type != "contact":
        return None
    return [RecordAction("probe-add-note", "Add a note", f"/probe/contacts/{record_id}/notes/new")]


@hookimpl
async def crm_dashboard_widgets(principal: Principal) -> list[DashboardWidget]:
    rows = await toolkit.fetch("SELECT COUNT(*) AS n FROM probe_note")
    return [
        DashboardWidget("probe-total", "Probe notes", f"<p>{rows[0]['n']} notes in all</p>"),
        DashboardWidget("probe-greeting", "Probe", template="probe/widget_greeting.html", order=120),
    ]


@hookimpl
async def crm_timeline_items(
    record_type: str, record_id: int, principal: Principal, limit: int
) -> Iterable[TimelineItem] | None:
    if record_type != "contact":
        return None
    return [
        TimelineItem(
            key=f"probe-note-{row['id']}",
            occurred_at=_as_datetime(row["created_at"]),
            kind="probe_note",
            title="Probe note",
            body_html=f"<p>{html.escape(row['text'])}</p>",
        )
        for row in await notes.for_contact(principal, record_id, limit)
    ]


def _as_datetime(value: Any) -> dt.datetime:
    # SQLite returns text, PostgreSQL a datetime.
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


@hookimpl
async def crm_search(query: str, principal: Principal, limit: int) -> list[SearchResult]:
    return [
        SearchResult("probe_note", row["id"], row["text"][:80], href=f"/probe/notes/{row['id']}")
        for row in await notes.search(principal, query, limit)
    ]


@hookimpl
def crm_check_access(principal: Principal, action: str, record_type: str, record: dict) -> bool | None:
    if action == "delete" and record_type == "contact" and LOCKED_TAG in (record.get("tags") or ()):
        return False
    return None
