"""``/api/v1/notifications``: the signed-in user's own notifications."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import get, post, put
from litestar.params import FromQuery, JSONBody
from msgspec import Meta

from crm_platform.errors import invalid
from crm_platform.mail.config import email_enabled
from crm_platform.notifications import preferences, service
from crm_platform.records.pagination import DEFAULT_LIMIT
from crm_platform.users.auth import CurrentPrincipal

MAX_IDS = 500


class NotificationOut(msgspec.Struct):
    id: int
    kind: str
    subject: str
    body: str
    href: str
    record_type: str | None
    record_id: int | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(msgspec.Struct):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int


class MarkReadIn(msgspec.Struct, forbid_unknown_fields=True):
    """``{"ids": [...]}`` marks those notifications read; ``{"all": true}`` marks every one."""

    ids: Annotated[list[int], Meta(max_length=MAX_IDS)] = []
    all: bool = False


class MarkReadOut(msgspec.Struct):
    marked: int
    unread: int


def to_out(row: dict[str, Any]) -> NotificationOut:
    return msgspec.convert(row, NotificationOut, strict=False)


@get("/api/v1/notifications", tags=["notifications"])
async def list_notifications(
    principal: CurrentPrincipal,
    unread: FromQuery[bool] = False,
    limit: FromQuery[int] = DEFAULT_LIMIT,
    cursor: FromQuery[str | None] = None,
) -> NotificationPage:
    """Your notifications, newest first (only the unread ones with ``unread=true``), one keyset
    page at a time; follow ``next_cursor``. ``unread`` in the answer counts all your unread ones."""
    rows, next_cursor = await service.list_for(principal, unread_only=unread, limit=limit, cursor=cursor)
    return NotificationPage(
        items=[to_out(row) for row in rows], next_cursor=next_cursor, unread=await service.unread_count(principal)
    )


@post("/api/v1/notifications/read", tags=["notifications"], status_code=200)
async def mark_notifications_read(principal: CurrentPrincipal, data: JSONBody[MarkReadIn]) -> MarkReadOut:
    """Mark notifications read: ``{"ids": [3, 4]}`` (ids that are not yours are ignored) or
    ``{"all": true}``."""
    if data.all and data.ids:
        raise invalid("ids", 'give either "ids" or "all": true, not both')
    if not data.all and not data.ids:
        raise invalid("ids", 'give the ids to mark read, or "all": true')
    marked = await service.mark_read(principal, "all" if data.all else data.ids)
    return MarkReadOut(marked=marked, unread=await service.unread_count(principal))


class KindPreference(msgspec.Struct):
    kind: str
    label: str
    help: str
    in_app: bool
    email: bool


class NotificationPreferencesOut(msgspec.Struct):
    email_enabled: bool
    kinds: list[KindPreference]


async def _preferences(user_id: int) -> NotificationPreferencesOut:
    return NotificationPreferencesOut(
        email_enabled=email_enabled(),
        kinds=[msgspec.convert(row, KindPreference) for row in await preferences.preferences_of(user_id)],
    )


@get("/api/v1/notifications/preferences", tags=["notifications"])
async def get_notification_preferences(principal: CurrentPrincipal) -> NotificationPreferencesOut:
    """Your channels for each kind of notification: ``in_app`` and ``email``. ``email`` is
    false for every kind while the instance sends no email (``email_enabled`` false)."""
    return await _preferences(principal.id)


@put("/api/v1/notifications/preferences", tags=["notifications"])
async def set_notification_preferences(principal: CurrentPrincipal, data: JSONBody[dict[str, Any]]) -> NotificationPreferencesOut:
    """Change your channels: ``{"task_due": {"email": false}, "mentioned": {"in_app": true}}``.
    Kinds and channels left out keep their choice; an unknown kind or channel, or a value that
    is not true or false, is a 422 naming it, and nothing is changed."""
    await preferences.set_preferences(principal.id, data)
    return await _preferences(principal.id)


HANDLERS = [
    list_notifications, mark_notifications_read, get_notification_preferences, set_notification_preferences,
]
