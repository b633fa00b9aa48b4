"""The calendar: a day, week or month of meetings, calls, tasks and follow-ups, moved by drag
and drop (``calendar.js``) or by a form; and the private iCalendar feed that calendar apps
subscribe to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_platform import clock
from crm_platform.activities import calendar, feed, service, tasks
from crm_platform.errors import Forbidden, Invalid, NotFound, invalid
from crm_platform.regional import preferences as regional
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.users.service import team_member_ids
from crm_platform.web import forms, lookups, record_parts
from crm_platform.web.auth import safe_next
from crm_platform.web.rendering import is_htmx, render_fragment, render_page, zone_of

VIEWS = ("day", "week", "month")
# The hours a day view always shows; earlier or later ones appear when something is on them.
WORKING_HOURS = range(8, 19)


@dataclass(frozen=True)
class Span:
    """What one view shows: its days (local dates) and their ``[start, end)`` in UTC."""

    view: str
    anchor: dt.date
    days: list[dt.date]
    zone: ZoneInfo

    @classmethod
    def of(cls, view: str, anchor: dt.date, zone: ZoneInfo, first_weekday: int = 0) -> Span:
        """``first_weekday`` is the day weeks start on, as ``date.weekday()`` counts."""

        def back(day: dt.date) -> int:
            return (day.weekday() - first_weekday) % 7

        if view == "day":
            days = [anchor]
        elif view == "week":
            start = anchor - dt.timedelta(days=back(anchor))
            days = [start + dt.timedelta(days=n) for n in range(7)]
        else:
            first = anchor.replace(day=1)
            start = first - dt.timedelta(days=back(first))
            following = (first + dt.timedelta(days=32)).replace(day=1)
            end = following + dt.timedelta(days=(7 - back(following)) % 7)
            days = [start + dt.timedelta(days=n) for n in range((end - start).days)]
        return cls(view, anchor, days, zone)

    def bound(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), tzinfo=self.zone).astimezone(dt.UTC)

    @property
    def start(self) -> dt.datetime:
        return self.bound(self.days[0])

    @property
    def end(self) -> dt.datetime:
        return self.bound(self.days[-1] + dt.timedelta(days=1))

    def step(self, direction: int) -> dt.date:
        if self.view == "day":
            return self.anchor + dt.timedelta(days=direction)
        if self.view == "week":
            return self.anchor + dt.timedelta(days=7 * direction)
        month = self.anchor.replace(day=1)
        if direction < 0:
            return (month - dt.timedelta(days=1)).replace(day=1)
        return (month + dt.timedelta(days=32)).replace(day=1)

    def title(self) -> str:
        if self.view == "day":
            return self.anchor.strftime("%A %-d %B %Y")
        if self.view == "week":
            first, last = self.days[0], self.days[-1]
            return f"Week of {first.strftime('%-d %B')} – {last.strftime('%-d %B %Y')}"
        return self.anchor.strftime("%B %Y")


def _parse_date(raw: str, field: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise invalid(field, "must be a date like 2026-03-01") from None
    return tasks.check_day(day, field)


async def _whose(principal: Principal, raw: str) -> int:
    """The calendar shown: the caller's own, or (managers and admins) a colleague's."""
    if not raw or raw == str(principal.id):
        return principal.id
    if not raw.isdecimal() or len(raw) > 9:
        raise invalid("user", "must be a user id")
    if not principal.sees_everything:
        raise Forbidden("only managers and admins see someone else's calendar")
    return int(raw)


async def _people(principal: Principal) -> list[dict[str, Any]]:
    """Whose calendar the picker offers: a manager's team, every active user for admins."""
    if not principal.sees_everything:
        return []
    users = await lookups.active_users()
    if principal.role == "admin":
        return users
    team = set(await team_member_ids(principal))
    return [user for user in users if user["id"] in team]


def _by_day(entries: list[calendar.Entry], zone: ZoneInfo) -> dict[dt.date, list[dict[str, Any]]]:
    grouped: dict[dt.date, list[dict[str, Any]]] = {}
    for entry in entries:
        local = entry.start.astimezone(zone)
        grouped.setdefault(local.date(), []).append({
            "entry": entry, "row": entry.row, "local": local, "time": local.strftime("%H:%M"),
            "end": (local + dt.timedelta(minutes=entry.minutes)).strftime("%H:%M") if entry.minutes else "",
        })
    return grouped


async def _context(request: Request, principal: Principal, params: Mapping[str, str]) -> dict[str, Any]:
    zone = zone_of(request)
    view = params.get("view") or "week"
    if view not in VIEWS:
        raise invalid("view", f"must be one of {', '.join(VIEWS)}")
    today = dt.datetime.now(zone).date()
    anchor = _parse_date(params["date"], "date") if params.get("date") else today
    user_id = await _whose(principal, params.get("user", ""))
    span = Span.of(view, anchor, zone, regional.current().first_weekday)
    by_day = _by_day(await calendar.entries(principal, user_id, span.start, span.end), zone)
    hours = sorted({*WORKING_HOURS, *(item["local"].hour for items in by_day.values() for item in items)})
    query = {"view": view, **({"user": str(user_id)} if user_id != principal.id else {})}

    def link(**changes: str) -> str:
        return "/calendar?" + urlencode({**query, **changes})

    return {
        "span": span, "view": view, "today": today, "by_day": by_day, "hours": hours, "link": link,
        "prev": span.step(-1).isoformat(), "next": span.step(1).isoformat(), "user_id": user_id,
        "people": await _people(principal), "types": record_parts.activity_types(),
        "here": link(date=anchor.isoformat()), "views": VIEWS,
    }


async def _page(request: Request, principal: Principal, params: Mapping[str, str], **extra: Any) -> Response:
    context = await _context(request, principal, params)
    if is_htmx(request) and not extra:
        return render_fragment(request, "calendar/_grid.html", **context)
    return render_page(request, "calendar/page.html", has_feed=await feed.exists(principal.id), **context, **extra)


@get("/calendar", include_in_schema=False)
async def calendar_view(request: Request, principal: CurrentPrincipal) -> Response:
    return await _page(request, principal, request.query_params)


def _moment(values: dict[str, Any], zone: ZoneInfo) -> dt.datetime:
    day = _parse_date(forms.text(values, "date", 20), "date")
    raw_time = forms.text(values, "time", 10) or "09:00"
    try:
        at = dt.time.fromisoformat(raw_time)
    except ValueError:
        raise invalid("time", "must be a time like 14:30") from None
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def _back(raw: str) -> str:
    back = safe_next(raw)
    return back if back.startswith("/calendar") else "/calendar"


async def _move_form(
    request: Request, principal: Principal, activity_id: int, back: str, *, errors: dict[str, str] | None = None
) -> Response:
    row = await service.get(principal, activity_id, "write")
    kind = service.registered_types().get(row["type"])
    is_task = bool(kind and kind.is_task)
    at = row["due_at"] if is_task and row["due_at"] is not None else row["occurred_at"]
    label = kind.label if kind else row["type"]
    return render_page(
        request, "calendar/move.html", status_code=422 if errors else 200, activity_id=activity_id,
        subject=row["subject"] or label, label=label, is_task=is_task, next=back, errors=errors or {},
        local=clock.as_utc(at).astimezone(zone_of(request)),
    )


@get("/calendar/activities/{activity_id:int}/move", include_in_schema=False)
async def move_form(request: Request, principal: CurrentPrincipal, activity_id: FromPath[int]) -> Response:
    """The keyboard's way to move an item: a date and a time, without dragging."""
    return await _move_form(request, principal, activity_id, _back(request.query_params.get("next", "")))


@post("/calendar/activities/{activity_id:int}/move", include_in_schema=False)
async def move_activity(request: Request, principal: CurrentPrincipal, activity_id: FromPath[int]) -> Response:
    """Drag and drop posts here from ``calendar.js``; the reschedule form, without it."""
    values = await forms.form_data(request)
    back = _back(forms.text(values, "next", 1000))
    zone = zone_of(request)
    try:
        to = _moment(values, zone)
        row = await calendar.move(principal, activity_id, to)
    except (Invalid, NotFound, Forbidden) as exc:
        if not is_htmx(request) and not isinstance(exc, Invalid):
            raise
        if not is_htmx(request):
            return await _move_form(request, principal, activity_id, back, errors=exc.errors)
        message = "; ".join(exc.errors.values()) if isinstance(exc, Invalid) else exc.message
        toast = f"Not moved: {message}".encode("latin-1", "replace").decode("latin-1")
        return Response("", status_code=204, headers={"X-Toast": toast})
    if not is_htmx(request):
        return Redirect(back, status_code=303)
    params = dict(parse_qsl(back.partition("?")[2]))
    response = render_fragment(request, "calendar/_grid.html", **await _context(request, principal, params))
    local = to.astimezone(zone)
    # Headers are Latin-1: the toast names the new time, not the (any-script) subject.
    label = service.registered_types().get(row["type"])
    response.headers["X-Toast"] = f"{label.label if label else 'Activity'} moved to {local.strftime('%a %-d %b %H:%M')}"
    return response


@post("/calendar/feed-url", include_in_schema=False)
async def create_feed(request: Request, principal: CurrentPrincipal) -> Response:
    """A new private feed URL (the old one stops working), shown this once."""
    token = await feed.create(principal.id)
    url = f"{str(request.base_url).rstrip('/')}/calendar/feed/{token}.ics"
    return await _page(request, principal, {}, feed_url=url)


@post("/calendar/feed-url/revoke", include_in_schema=False)
async def revoke_feed(principal: CurrentPrincipal) -> Response:
    await feed.revoke(principal.id)
    return Redirect("/calendar", status_code=303)


@get("/calendar/feed/{name:str}", include_in_schema=False)
async def calendar_feed(request: Request, name: FromPath[str]) -> Response:
    """The feed itself: no session, the token in the URL is the credential."""
    owner = await feed.principal_for(name.removesuffix(".ics")) if name.endswith(".ics") else None
    if owner is None:
        raise NotFound("calendar feed", "at this address")
    entries = await feed.entries_for(owner)
    tag = feed.etag(entries, owner.display_name)
    headers = {"Cache-Control": "private, max-age=300", "ETag": tag}
    if request.headers.get("if-none-match") == tag:
        return Response(b"", status_code=304, headers=headers)
    body = await feed.document(entries, owner.display_name, request.url.hostname or "crm")
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={**headers, "Content-Disposition": 'inline; filename="crm.ics"'})


HANDLERS = [calendar_view, move_form, move_activity, create_feed, revoke_feed, calendar_feed]
