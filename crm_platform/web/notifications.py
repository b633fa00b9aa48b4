"""The notifications page (with the user's channels per kind), "Mark all read", and the unread
count every page's top bar shows."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.params import FromQuery
from litestar.response import Redirect
from litestar.types import ASGIApp, Receive, Scope, Send

from crm_platform.mail.config import email_enabled
from crm_platform.notifications import preferences, service
from crm_platform.notifications.kinds import available_kinds
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import forms
from crm_platform.web.auth import safe_next
from crm_platform.web.errors import OPERATIONS
from crm_platform.web.rendering import UNREAD_SCOPE_KEY, render_page

PAGE_SIZE = 50
# The badge reads "99+" beyond this, so it never counts more than one past it.
BADGE_MAX = 99
NOT_PAGES = ("/api/", "/static/", "/schema", "/health/")


class UnreadCount(ASGIMiddleware):
    """Count the signed-in user's unread notifications for the page about to be rendered.

    Rendering is synchronous, so the count is read before the handler runs: one indexed
    query for each full page (a GET that is not an htmx request, nor the API's), none for
    API calls, fragments and form posts. It runs inside authentication, which sets the user.
    """

    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(lambda scope: scope["path"].startswith(NOT_PAGES) or scope["path"] in OPERATIONS)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        principal = scope.get("user")
        if principal is not None and scope.get("method") == "GET" and not _from_htmx(scope):
            scope[UNREAD_SCOPE_KEY] = await service.unread_count(principal, at_most=BADGE_MAX + 1)  # type: ignore[literal-required]
        await next_app(scope, receive, send)


def _from_htmx(scope: Scope) -> bool:
    return any(name == b"hx-request" and value == b"true" for name, value in scope.get("headers", ()))


@get("/notifications", include_in_schema=False)
async def notifications_page(
    request: Request, principal: CurrentPrincipal, cursor: FromQuery[str | None] = None, saved: FromQuery[bool] = False
) -> Response:
    items, next_cursor = await service.list_for(principal, limit=PAGE_SIZE, cursor=cursor)
    return render_page(
        request, "notifications/list.html", items=items, next_cursor=next_cursor,
        unread=await service.unread_count(principal), preferences=await preferences.preferences_of(principal.id),
        email_on=email_enabled(), saved=saved,
    )


@post("/notifications/preferences", include_in_schema=False)
async def save_preferences(request: Request, principal: CurrentPrincipal) -> Response:
    """The form lists every kind with a checkbox per channel: a kind left unticked is off.
    While email is off its boxes are disabled, so the stored email choices stay as they were."""
    values = await forms.form_data(request)
    in_app, email = set(forms.listed(values, "in_app")), set(forms.listed(values, "email"))
    sending = email_enabled()
    await preferences.set_preferences(principal.id, {
        kind.key: {"in_app": kind.key in in_app, **({"email": kind.key in email} if sending else {})}
        for kind in available_kinds()
    })
    return Redirect("/notifications?saved=1#preferences", status_code=303)


@post("/notifications/read", include_in_schema=False)
async def mark_all_read(request: Request, principal: CurrentPrincipal) -> Response:
    form = await request.form()
    await service.mark_read(principal, "all")
    return Redirect(safe_next(form.get("next") or "/notifications"), status_code=303)


HANDLERS = [notifications_page, mark_all_read, save_preferences]
