"""Each user's channels per kind of notification: in the app, by email, both or neither.

A user's choices are one row, ``{"kind": {"in_app": bool, "email": bool}}``; a kind or a
channel missing from it is on. Email is delivered only where the instance sends email.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from crm_platform.db.raw import decode_json_columns, execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid
from crm_platform.mail.config import email_enabled
from crm_platform.notifications.kinds import available_kinds

CHANNELS = ("in_app", "email")

Choices = dict[str, dict[str, bool]]


def wants(choices: Mapping[str, Any], kind: str, channel: str) -> bool:
    """Whether a user with ``choices`` gets a notification of ``kind`` through ``channel``."""
    return bool((choices.get(kind) or {}).get(channel, True))


async def stored_choices(user_id: int) -> Choices:
    rows = await fetch('SELECT choices FROM crm_notification_preference WHERE "user" = {}', user_id)
    return decode_json_columns(rows[0], ["choices"])["choices"] if rows else {}


async def preferences_of(user_id: int) -> list[dict[str, Any]]:
    """Every kind the user can receive, with its label and whether each channel is on; the
    email channel reads off while the instance sends no email."""
    choices = await stored_choices(user_id)
    sending = email_enabled()
    return [
        {
            "kind": kind.key, "label": kind.label, "help": kind.help,
            "in_app": wants(choices, kind.key, "in_app"),
            "email": sending and wants(choices, kind.key, "email"),
        }
        for kind in available_kinds()
    ]


def _checked(changes: Mapping[str, Any]) -> Choices:
    known = {kind.key for kind in available_kinds()}
    errors: dict[str, str] = {}
    cleaned: Choices = {}
    for kind, channels in changes.items():
        if kind not in known:
            errors[kind] = f"is not a kind of notification; the kinds are {', '.join(sorted(known))}"
            continue
        if not isinstance(channels, Mapping):
            errors[kind] = 'must be an object like {"in_app": true, "email": false}'
            continue
        for channel, on in channels.items():
            if channel not in CHANNELS:
                errors[f"{kind}.{channel}"] = f"is not a channel; the channels are {', '.join(CHANNELS)}"
            elif not isinstance(on, bool):
                errors[f"{kind}.{channel}"] = "must be true or false"
            else:
                cleaned.setdefault(kind, {})[channel] = on
    if errors:
        raise Invalid(errors)
    return cleaned


async def set_preferences(user_id: int, changes: Mapping[str, Any]) -> None:
    """Merge ``{"kind": {"in_app": bool, "email": bool}}`` into the user's choices; an unknown
    kind, channel or a value that is not a boolean raises ``Invalid`` naming it, and nothing
    is stored."""
    cleaned = _checked(changes)
    async with unit_of_work():
        choices = await stored_choices(user_id)
        for kind, channels in cleaned.items():
            choices[kind] = {**choices.get(kind, {}), **channels}
        await execute(
            'INSERT INTO crm_notification_preference ("user", choices) VALUES ({}, {}) '
            'ON CONFLICT ("user") DO UPDATE SET choices = excluded.choices',
            user_id, json.dumps(choices, sort_keys=True),
        )
