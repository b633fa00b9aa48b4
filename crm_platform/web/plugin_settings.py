"""The settings page's plugin sections: each enabled plugin's declared settings as typed form
fields, and the permissions × roles table. Saving goes through the same services as the API
and the CLI, so a value is checked, stored and audited the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm_hookspecs import ALL_ROLES, Setting

from crm_platform import runtime
from crm_platform.db.unit import unit_of_work
from crm_platform.instance import permissions, settings
from crm_platform.web import forms

# The <input type> of each kind that is neither a checkbox nor a select.
INPUT_TYPES = {"text": "text", "number": "number", "date": "date", "url": "url", "email": "email"}


@dataclass(frozen=True)
class FieldView:
    """One setting as its form field shows it."""

    setting: Setting
    shown: str  # what the field holds: the value as text
    checked: bool  # for a boolean
    stored: bool
    multiline: bool

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.setting.kind, "text")

    @property
    def hint(self) -> str:
        """The setting's help, and what an emptied field means for the kinds it resets."""
        setting = self.setting
        if setting.kind in ("text", "boolean", "choice"):
            return setting.help
        empty = "none" if setting.default is None else f"the default, {_as_text(setting.default)}"
        return f"{setting.help} Leave empty for {empty}.".strip()


@dataclass(frozen=True)
class PluginSection:
    slug: str
    label: str
    fields: list[FieldView]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        # A list default (say, reasons) is edited one item per line, as its plugin reads text.
        return "\n".join(str(item) for item in value)
    return str(value)


def _field(state: settings.SettingState, typed: dict[str, Any] | None) -> FieldView:
    value = state.value
    shown = _as_text(value) if typed is None else str(typed.get(state.setting.key, ""))
    checked = bool(value) if typed is None else typed.get(state.setting.key) == "on"
    multiline = state.setting.kind == "text" and (isinstance(state.setting.default, (list, tuple)) or "\n" in shown)
    return FieldView(state.setting, shown, checked, state.stored, multiline)


async def sections(typed: dict[str, dict[str, Any]] | None = None) -> list[PluginSection]:
    """A section per enabled plugin declaring settings; ``typed`` holds a refused form's input
    by slug, so the admin sees what they typed beside the errors."""
    host = runtime.current().host
    found: dict[str, list[settings.SettingState]] = {}
    for state in await settings.all_settings():
        found.setdefault(state.slug, []).append(state)
    return [
        PluginSection(slug, host.records[slug].label or slug,
                      [_field(state, (typed or {}).get(slug)) for state in states])
        for slug, states in found.items()
    ]


def _submitted(setting: Setting, values: dict[str, Any]) -> Any:
    """The form field's value for ``setting``; ``None`` (the default) for an emptied field
    that is not text."""
    if setting.kind == "boolean":
        return forms.text(values, setting.key) == "on"
    raw = str(values.get(setting.key, "")).replace("\r\n", "\n")
    if setting.kind == "text":
        return raw
    if not raw.strip():
        return None
    return settings.check_value(setting, settings.parse_text(setting, raw))


def _unchanged(state: settings.SettingState, new: Any) -> bool:
    if new is None:
        return not state.stored
    return new == state.value or (isinstance(state.value, (list, tuple)) and new == _as_text(state.value))


async def save_plugin(slug: str, values: dict[str, Any], actor_id: int) -> dict[str, str]:
    """Store the changed settings of plugin ``slug``; nothing at all if any field is wrong.
    Returns the errors by setting key."""
    states = await settings.plugin_settings(slug)
    errors: dict[str, str] = {}
    changed: dict[str, Any] = {}
    for state in states:
        try:
            new = _submitted(state.setting, values)
        except ValueError as exc:
            errors[state.setting.key] = str(exc)
            continue
        if not _unchanged(state, new):
            changed[state.setting.key] = new
    if errors:
        return errors
    async with unit_of_work():
        for key, new in changed.items():
            await settings.set_setting(slug, key, new, actor_id=actor_id)
    return {}


async def save_permissions(values: dict[str, Any], actor_id: int) -> int:
    """Grant each permission to the roles ticked for it; returns how many changed."""
    changed = 0
    async with unit_of_work():
        for state in await permissions.all_permissions():
            ticked = tuple(role for role in ALL_ROLES if role in forms.listed(values, state.permission.key))
            if ticked != state.roles:
                await permissions.set_roles(state.permission.key, list(ticked), actor_id=actor_id)
                changed += 1
    return changed
