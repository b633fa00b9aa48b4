"""``/account/preferences``: a user's own regional preferences, each a choice or "the
instance's". Saving goes through the same service as the API, checked and audited alike."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Redirect

from crm_platform import clock
from crm_platform.errors import Invalid
from crm_platform.regional import choices, preferences
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import forms
from crm_platform.web.rendering import render_page
from crm_platform.web.undo import offer_notice

WEEK_LABELS = {"monday": "Monday", "sunday": "Sunday", "saturday": "Saturday"}


def _options(key: str) -> list[tuple[str, str]]:
    if key == "week_start":
        return [(value, WEEK_LABELS[value]) for value in choices.WEEK_STARTS]
    return [(value, value) for value in choices.allowed(key)]


async def _page(request: Request, principal: Any, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None) -> Response:
    mine = await preferences.for_user(principal.id)
    instance = await preferences.for_user(None)
    shown = values if values is not None else {key: getattr(mine, key) if key in mine.own else "" for key in preferences.KEYS}
    rows = []
    for key in preferences.KEYS:
        default = getattr(instance, key) or "the browser's"
        rows.append({"key": key, "label": preferences.LABELS[key], "options": _options(key),
                     "blank": f"Instance default ({WEEK_LABELS.get(default, default)})"})
    return render_page(request, "account/preferences.html", status_code=422 if errors else 200, rows=rows,
                       values=shown, errors=errors or {}, now=clock.now())


@get("/account/preferences", include_in_schema=False)
async def preferences_form(request: Request, principal: CurrentPrincipal) -> Response:
    return await _page(request, principal)


@post("/account/preferences", include_in_schema=False)
async def save_preferences(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    typed = {key: forms.text(values, key) for key in preferences.KEYS}
    try:
        await preferences.save_for_user(principal, principal.id, typed)
    except Invalid as exc:
        return await _page(request, principal, typed, exc.errors)
    offer_notice(request, "Your preferences were saved.")
    return Redirect("/account/preferences", status_code=303)


def preferences_handlers() -> list[Any]:
    return [preferences_form, save_preferences]
