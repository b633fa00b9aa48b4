"""What each registration hook must return, which of its keys must be unique across plugins,
and the checks that turn a plugin's mistake into a clear reason for failing it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import crm_hookspecs
from crm_hookspecs import types as t


@dataclass(frozen=True)
class RegistrationHook:
    returns: type
    key: Callable[[Any], object] | None = None


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
    "crm_permissions": RegistrationHook(t.Permission, lambda item: item.key),
    "crm_settings": RegistrationHook(t.Setting),
    "crm_jobs": RegistrationHook(t.Job, lambda job: job.name),
    "crm_record_kinds": RegistrationHook(t.RecordKind, lambda kind: kind.key),
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


def registered_items(hook: str, function: Callable[[], Any]) -> list[Any]:
    """What a registration hook returned, checked against the type its hookspec names."""
    expected = REGISTRATION_HOOKS[hook].returns.__name__
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
    for item in items:
        if not isinstance(item, REGISTRATION_HOOKS[hook].returns):
            raise RegistrationError(f"{hook} returned a {type(item).__name__} item, expected {expected}")
    return items
