"""A private iCalendar (RFC 5545) feed per user, for calendar apps that subscribe by URL.

The URL's secret token is the only credential, so it is 256 random bits, shown once and
stored as its SHA-256. Making a new one replaces the old; revoking deletes it, and the old
URL answers 404 from then on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import html
import secrets
from collections.abc import Iterable

import nh3
from crm_hookspecs import Principal
from icalendar import Calendar, Event, Todo

from crm_platform import clock
from crm_platform.activities import calendar
from crm_platform.db.raw import execute, fetch
from crm_platform.db.unit import unit_of_work
from crm_platform.users.service import hash_token, principal_for_user_id

PRODID = "-//CRM platform//Calendar feed//EN"
# What a subscribed calendar shows: the recent past and the year ahead, the soonest first.
PAST = dt.timedelta(days=60)
AHEAD = dt.timedelta(days=365)
MAX_ITEMS = 1000


async def create(user_id: int) -> str:
    """A new feed token for the user, replacing any earlier one. Only its hash is kept."""
    token = secrets.token_urlsafe(32)
    async with unit_of_work():
        await execute('DELETE FROM crm_calendar_feed WHERE "user" = {}', user_id)
        await execute(
            'INSERT INTO crm_calendar_feed ("user", token_hash, created_at) VALUES ({}, {}, {})',
            user_id, hash_token(token), clock.now(),
        )
    return token


async def revoke(user_id: int) -> None:
    await execute('DELETE FROM crm_calendar_feed WHERE "user" = {}', user_id)


async def exists(user_id: int) -> bool:
    return bool(await fetch('SELECT "user" FROM crm_calendar_feed WHERE "user" = {}', user_id))


async def principal_for(token: str) -> Principal | None:
    """The active user whose feed ``token`` is, or ``None``."""
    if not token or len(token) > 100:
        return None
    rows = await fetch('SELECT "user" FROM crm_calendar_feed WHERE token_hash = {}', hash_token(token))
    return await principal_for_user_id(rows[0]["user"]) if rows else None


async def entries_for(principal: Principal) -> list[calendar.Entry]:
    """What the user's feed holds: their calendar from ``PAST`` ago to ``AHEAD``."""
    now = clock.now()
    return await calendar.entries(principal, principal.id, now - PAST, now + AHEAD, limit=MAX_ITEMS)


def etag(entries: Iterable[calendar.Entry], name: str) -> str:
    """Changes whenever an entry is added, moved, edited or removed: a subscriber asking
    again with ``If-None-Match`` gets a 304 without the document being built again."""
    digest = hashlib.sha256(name.encode())
    for entry in entries:
        digest.update(f"{entry.id}|{entry.start.isoformat()}|{entry.row['updated_at']}|{entry.row['done']};".encode())
    return f'"{digest.hexdigest()[:32]}"'


async def document(entries: list[calendar.Entry], name: str, host: str) -> bytes:
    # icalendar builds about a thousand components a second: CPU work, kept off the loop.
    return await asyncio.to_thread(build, entries, name, host, clock.now())


def _plain(body: str) -> str:
    return html.unescape(nh3.clean(body or "", tags=set())).strip()


def build(entries: Iterable[calendar.Entry], name: str, host: str, now: dt.datetime) -> bytes:
    """``entries`` as VEVENTs (meetings, calls) and VTODOs (tasks), each with a UID that
    stays the same for the activity, however often it moves."""
    document = Calendar()
    document.add("prodid", PRODID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("x-wr-calname", f"CRM: {name}")
    for entry in entries:
        row = entry.row
        component = Todo() if entry.is_task else Event()
        component.add("uid", f"activity-{row['id']}@{host}")
        component.add("dtstamp", now)
        component.add("last-modified", clock.as_utc(row["updated_at"]))
        component.add("summary", row["subject"] or row["type"].replace("_", " ").capitalize())
        if description := _plain(row["body"]):
            component.add("description", description)
        component.add("categories", [row["type"]])
        if entry.is_task:
            component.add("due", entry.start)
            component.add("status", "COMPLETED" if row["done"] else "NEEDS-ACTION")
            if row["done"] and row["done_at"] is not None:
                component.add("completed", clock.as_utc(row["done_at"]))
        else:
            component.add("dtstart", entry.start)
            component.add("duration", dt.timedelta(minutes=entry.minutes))
        document.add_component(component)
    return document.to_ical()
