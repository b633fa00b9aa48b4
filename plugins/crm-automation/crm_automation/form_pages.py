"""Web-to-lead forms in the browser: the forms with a designer (rows of label, contact field
and required), and the hosted page visitors fill in without signing in, with a honeypot, a
rate limit per address and size limits; CSRF-protected like every form."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_automation import forms
from crm_automation.api import MANAGE
from crm_platform.toolkit import (
    CurrentPrincipal,
    Invalid,
    attempt_limiter,
    render_page,
    require_permission,
)

DESIGN_ROWS = 6
MAX_BODY = 16 * 1024
SUBMISSIONS_PER_MINUTE = 10


def _designed(form: Any) -> dict[str, Any]:
    rows = []
    for index in range(DESIGN_ROWS):
        label, target = (form.get(f"label_{index}") or "").strip(), form.get(f"maps_to_{index}") or ""
        if label or target:
            rows.append({"label": label, "maps_to": target, "required": form.get(f"required_{index}") == "on"})
    return {"name": form.get("name") or "", "tag": form.get("tag") or "", "fields": rows}


async def _designer(request: Request, *, data: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                    status_code: int = 200) -> Response:
    targets = [(key, label) for key, label in forms.TARGETS.items()]
    targets += [(f"{forms.CONSENT}{purpose}", f"A box to tick: consent to the {purpose}") for purpose in
                ("newsletter", "marketing")]
    return render_page(request, "automation/forms.html", status_code=status_code, forms=await forms.all_forms(),
                       data=data or {"fields": []}, errors=errors or {}, rows=range(DESIGN_ROWS), targets=targets)


@get("/forms", name="automation-forms", include_in_schema=False)
async def forms_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, MANAGE)
    return await _designer(request)


@post("/forms", name="automation-form-create", include_in_schema=False)
async def create_from_page(request: Request, principal: CurrentPrincipal) -> Response:
    await require_permission(principal, MANAGE)
    data = _designed(await request.form())
    try:
        await forms.create(principal, data)
    except Invalid as error:
        return await _designer(request, data=data, errors=error.errors, status_code=422)
    return Redirect("/automation/forms", status_code=303)


def _hosted(request: Request, form: dict[str, Any], *, values: dict[str, str] | None = None,
            errors: dict[str, str] | None = None, done: bool = False, status_code: int = 200) -> Response:
    return render_page(request, "automation/public_form.html", status_code=status_code, form=form,
                       values=values or {}, errors=errors or {}, done=done, honeypot=forms.HONEYPOT)


@get("/public/forms/{token:str}", name="automation-public-form", include_in_schema=False)
async def public_form(request: Request, token: FromPath[str]) -> Response:
    return _hosted(request, await forms.by_token(token))


@post("/public/forms/{token:str}", name="automation-public-submit", include_in_schema=False,
      request_max_body_size=MAX_BODY)
async def public_submit(request: Request, token: FromPath[str]) -> Response:
    form = await forms.by_token(token)
    address = request.client.host if request.client else "unknown"
    limiter = attempt_limiter("automation.forms", SUBMISSIONS_PER_MINUTE)
    if await limiter.blocked(f"{form['id']}:{address}"):
        return _hosted(request, form, errors={"form": "Too many submissions from your address: wait a minute."},
                       status_code=429)
    await limiter.failed(f"{form['id']}:{address}")
    submitted = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    if submitted.get(forms.HONEYPOT):
        return _hosted(request, form, done=True)  # a robot: thanked, nothing kept
    try:
        await forms.submit(form, submitted)
    except Invalid as error:
        return _hosted(request, form, values=submitted, errors=error.errors, status_code=422)
    return _hosted(request, form, done=True)


HANDLERS = (forms_page, create_from_page, public_form, public_submit)


