"""What each registration hook must return, which of its keys must be unique across plugins,
and the checks that turn a plugin's mistake into a clear reason for failing it.

The types check what they can alone (a key's pattern, a link's form) when they are built;
what needs the registering plugin's slug, or huey, is checked here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import crm_hookspecs
from crm_hookspecs import types as t

from crm_platform.jobs.schedule import parse_schedule


def _named_after_the_plugin(what: str, name: str, slug: str) -> None:
    if name.split(".", 1)[0] != slug:
        raise ValueError(
            f"{what} {name!r} must start with the plugin's slug: {slug}.{name.split('.', 1)[-1]}"
        )


def _check_permission(slug: str, permission: t.Permission) -> None:
    _named_after_the_plugin("permission", permission.key, slug)


def _check_record_kind(slug: str, kind: t.RecordKind) -> None:
    if slug != "core":
        _named_after_the_plugin("record kind", kind.key, slug)
    if not all(hasattr(kind.table, attribute) for attribute in ("_meta", "insert", "update")):
        raise RegistrationError(f"record kind {kind.key!r}: table must be a Piccolo Table class")
    columns = {column._meta.name for column in kind.table._meta.columns}
    # Audited fields may be kept beside the table (an activity's links), so only these must be columns.
    needed = {kind.owner_column, kind.title_column, *kind.handover_columns} | ({kind.team_column} - {""})
    missing = sorted(name for name in needed if name not in columns)
    if missing:
        raise RegistrationError(
            f"record kind {kind.key!r}: table {kind.table._meta.tablename} has no column {missing[0]!r}"
        )


def _check_notification_kind(slug: str, kind: t.NotificationKind) -> None:
    if slug != "core":
        _named_after_the_plugin("notification kind", kind.key, slug)


def _check_importer(slug: str, importer: t.Importer) -> None:
    if slug != "core":
        _named_after_the_plugin("importer", importer.key, slug)


def _check_workflow_action(slug: str, action: t.WorkflowAction) -> None:
    _named_after_the_plugin("workflow action", action.key, slug)


def _check_job(slug: str, job: t.Job) -> None:
    _named_after_the_plugin("job", job.name, slug)
    if job.schedule is not None:
        parse_schedule(job.name, job.schedule)


def _check_report(slug: str, report: t.ReportDefinition) -> None:
    if slug != "core":
        _named_after_the_plugin("report", report.key, slug)


def _check_personal_data(slug: str, item: t.PersonalData) -> None:
    _named_after_the_plugin("personal data", item.key, slug)
    if not item.table.startswith(f"{slug}_"):
        raise ValueError(f"personal data {item.key!r} names table {item.table!r}; a plugin declares only its own tables")
    if item.record_kind:
        _named_after_the_plugin("personal data record kind", item.record_kind, slug)


@dataclass(frozen=True)
class RegistrationHook:
    returns: type
    # The key that must be unique across plugins (and so within one plugin's list too).
    key: Callable[[Any], object] | None = None
    # A key unique within one plugin's list only (settings live in the plugin's namespace).
    own_key: Callable[[Any], object] | None = None
    # Checks that need the registering plugin's slug; raise ValueError saying what is wrong.
    check: Callable[[str, Any], None] | None = None

    def unique_key(self, item: Any) -> object:
        key_of = self.key or self.own_key
        return None if key_of is None else key_of(item)


# Registration hooks: what each returns, and the key that must be unique across plugins.
REGISTRATION_HOOKS: dict[str, RegistrationHook] = {
    "crm_database_apps": RegistrationHook(t.DatabaseApp, lambda app: app.module),
    "crm_api_routes": RegistrationHook(t.Routes),
    "crm_web_routes": RegistrationHook(t.Routes),
    "crm_template_dirs": RegistrationHook(t.TemplateDir),
    "crm_static_dirs": RegistrationHook(t.StaticDir),
    "crm_nav_items": RegistrationHook(t.NavItem, lambda item: item.key),
    "crm_field_definitions": RegistrationHook(t.FieldDefinition, lambda f: f"{f.record_type}.{f.key}"),
    "crm_activity_types": RegistrationHook(t.ActivityType, lambda item: item.key),
    "crm_relationship_types": RegistrationHook(t.RelationshipType, lambda item: item.key),
    "crm_cli_commands": RegistrationHook(t.CliCommand, lambda item: getattr(item.command, "name", None)),
    "crm_permissions": RegistrationHook(t.Permission, lambda item: item.key, check=_check_permission),
    "crm_settings": RegistrationHook(t.Setting, own_key=lambda item: item.key),
    "crm_jobs": RegistrationHook(t.Job, lambda job: job.name, check=_check_job),
    "crm_record_kinds": RegistrationHook(t.RecordKind, lambda kind: kind.key, check=_check_record_kind),
    "crm_notification_kinds": RegistrationHook(
        t.NotificationKind, lambda kind: kind.key, check=_check_notification_kind
    ),
    "crm_importers": RegistrationHook(t.Importer, lambda importer: importer.key, check=_check_importer),
    "crm_reports": RegistrationHook(t.ReportDefinition, lambda report: report.key, check=_check_report),
    "crm_personal_data": RegistrationHook(t.PersonalData, lambda item: item.key, check=_check_personal_data),
    "crm_workflow_actions": RegistrationHook(
        t.WorkflowAction, lambda action: action.key, check=_check_workflow_action
    ),
}
KNOWN_HOOKS = frozenset(name for name in dir(crm_hookspecs.hookspecs) if name.startswith("crm_"))


class PluginConflictError(Exception):
    """Two plugins claim one key (an activity type, a field, a nav item ...)."""

    def __init__(self, what: str, key: object, holder: str, claimant: str) -> None:
        self.what, self.key, self.holder, self.claimant = what, key, holder, claimant
        super().__init__(
            f"plugin {claimant!r} registers {what} {key!r}, which plugin {holder!r} already registers; "
            "rename the key in one of them, or install only one"
        )


def misspelled_hooks(module: ModuleType) -> list[str]:
    # pluggy ignores an unmarked function, so a typo in a hook name would pass silently.
    return sorted(
        name
        for name, value in vars(module).items()
        if name.startswith("crm_") and callable(value) and name not in KNOWN_HOOKS
    )


class RegistrationError(Exception):
    """A registration hook raised, or returned something other than what its hookspec names."""


def registered_items(hook: str, function: Callable[[], Any], slug: str) -> list[Any]:
    """What plugin ``slug``'s registration hook returned, checked against the type its
    hookspec names, the rules that need the slug, and for a key listed twice."""
    spec = REGISTRATION_HOOKS[hook]
    expected = spec.returns.__name__
    try:
        result = function()
    except Exception as exc:
        raise RegistrationError(f"{hook} raised {type(exc).__name__}: {exc}") from exc
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()  # never awaited, on purpose: registration hooks run before any event loop
        raise RegistrationError(f"{hook} must be a plain function returning {expected} items, not async")
    if result is None:
        return []
    if isinstance(result, (str, bytes, dict)) or not isinstance(result, Iterable):
        raise RegistrationError(f"{hook} returned {type(result).__name__}, expected a list of {expected}")
    items = list(result)
    seen: set[object] = set()
    for item in items:
        if not isinstance(item, spec.returns):
            raise RegistrationError(f"{hook} returned a {type(item).__name__} item, expected {expected}")
        if spec.check is not None:
            try:
                spec.check(slug, item)
            except ValueError as exc:
                raise RegistrationError(f"{hook}: {exc}") from exc
        key = spec.unique_key(item)
        if key is not None and key in seen:
            raise RegistrationError(f"{hook} lists {expected} {key!r} twice; give each its own key")
        seen.add(key)
    return items
