"""``/desk/sla``: SLA policies in the browser. Anyone signed in sees them; changing one takes
the desk's manage permission, as in the API, and goes through the same service functions, so a
page and an API call check, audit and recompute tickets alike."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal
from crm_platform.toolkit import (
    Conflict,
    CurrentPrincipal,
    Invalid,
    get_records,
    has_permission,
    offer_notice,
    render_page,
    require_permission,
)
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from crm_desk import service
from crm_desk.sla import policies as sla_policies
from crm_desk.sla import service as sla
from crm_desk.sla.clock import _duration as duration

TARGETS = ("first_response_minutes", "resolution_minutes")
PRIORITIES = tuple(reversed(sla_policies.PRIORITIES))  # urgent first, as people think of them


def _minutes(raw: str) -> Any:
    text = raw.strip()
    return int(text) if text.isdecimal() else text


def _company_id(raw: Any) -> int | None:
    text = str(raw or "").removeprefix("company:")
    return int(text) if text.isdecimal() else None


def read_form(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The service's values from the form, and the inputs as typed (to show them again). A
    priority left blank is left out of the policy; half filled, the blank one is named."""
    typed = {key: str(form.get(key) or "") for key in form if key != "_csrf_token"}
    targets: dict[str, Any] = {}
    for priority in PRIORITIES:
        raw = {name: typed.get(f"targets.{priority}.{name}", "") for name in TARGETS}
        if any(value.strip() for value in raw.values()):
            targets[priority] = {name: _minutes(value) for name, value in raw.items()}
    values = {"name": typed.get("name", ""), "category": typed.get("category", ""),
              "company_id": _company_id(typed.get("company_pick")), "targets": targets}
    return values, typed


def _typed_from(policy: dict[str, Any]) -> dict[str, str]:
    typed = {"name": policy["name"], "category": policy["category"]}
    for priority, minutes in policy["targets"].items():
        typed |= {f"targets.{priority}.{name}": str(value) for name, value in zip(TARGETS, minutes, strict=True)}
    return typed


async def _company_names(principal: Principal, ids: list[int | None]) -> dict[int, str]:
    found = await get_records(principal, "company", [company for company in ids if company is not None])
    return {company_id: row["name"] for company_id, row in found.items()}


async def _form(
    request: Request, principal: Principal, *, policy_id: int | None, typed: dict[str, str], company_id: int | None,
    errors: dict[str, str] | None = None, status_code: int = 200,
) -> Response:
    await require_permission(principal, service.MANAGE.key)
    names = await _company_names(principal, [company_id])
    company = {"id": company_id, "name": names.get(company_id, f"company {company_id}")} if company_id else None
    defaults = await sla.targets()
    return render_page(
        request, "desk/sla_policy_form.html", status_code=status_code, policy_id=policy_id, typed=typed,
        company=company, errors=errors or {}, priorities=PRIORITIES,
        defaults={priority: (duration(first), duration(resolution)) for priority, (first, resolution) in defaults.items()},
    )


@get("/sla", name="desk-sla-policies", include_in_schema=False)
async def policies_page(request: Request, principal: CurrentPrincipal) -> Response:
    """Every policy, most specific first, with the priority defaults they stand above."""
    rows = await sla_policies.list_policies()
    defaults = await sla.targets()
    teams = {team_id: calendar.to_plain() for team_id, calendar in (await sla.calendars()).items()}
    return render_page(
        request, "desk/sla_policies.html", policies=rows, priorities=PRIORITIES, duration=duration,
        companies=await _company_names(principal, [row["company_id"] for row in rows]), defaults=defaults,
        calendars=teams, can_manage=await has_permission(principal, service.MANAGE.key),
    )


@get("/sla/new", name="desk-sla-policy-new", include_in_schema=False)
async def new_policy_page(request: Request, principal: CurrentPrincipal) -> Response:
    return await _form(request, principal, policy_id=None, typed={}, company_id=None)


async def _save(request: Request, principal: Principal, policy_id: int | None) -> Response:
    """Create (``policy_id`` None) or change a policy from the form; the form again, beside
    each wrong field (422) or with the clash (409), when it is refused."""
    values, typed = read_form(await request.form())
    await require_permission(principal, service.MANAGE.key)
    try:
        if policy_id is None:
            await service.create_sla_policy(principal, values)
        else:
            await service.update_sla_policy(principal, policy_id, values)
    except (Invalid, Conflict) as exc:
        errors = exc.errors if isinstance(exc, Invalid) else {"form": exc.message}
        return await _form(request, principal, policy_id=policy_id, typed=typed, company_id=values["company_id"],
                           errors=errors, status_code=422 if isinstance(exc, Invalid) else 409)
    offer_notice(request, f"SLA policy “{' '.join(values['name'].split())}” saved.")
    return Redirect("/desk/sla", status_code=303)


@post("/sla/new", name="desk-sla-policy-create", include_in_schema=False)
async def create_policy(request: Request, principal: CurrentPrincipal) -> Response:
    return await _save(request, principal, None)


@get("/sla/{policy_id:int}", name="desk-sla-policy", include_in_schema=False)
async def edit_policy_page(request: Request, principal: CurrentPrincipal, policy_id: FromPath[int]) -> Response:
    policy = await sla_policies.get_policy(policy_id)
    return await _form(request, principal, policy_id=policy_id, typed=_typed_from(policy),
                       company_id=policy["company_id"])


@post("/sla/{policy_id:int}", name="desk-sla-policy-change", include_in_schema=False)
async def change_policy(request: Request, principal: CurrentPrincipal, policy_id: FromPath[int]) -> Response:
    return await _save(request, principal, policy_id)


@post("/sla/{policy_id:int}/delete", name="desk-sla-policy-delete", include_in_schema=False)
async def delete_policy(request: Request, principal: CurrentPrincipal, policy_id: FromPath[int]) -> Response:
    """Remove a policy; its open tickets fall back to the next matching one or the default."""
    await require_permission(principal, service.MANAGE.key)
    policy = await sla_policies.get_policy(policy_id)
    await service.delete_sla_policy(principal, policy_id)
    offer_notice(request, f"SLA policy “{policy['name']}” deleted.")
    return Redirect("/desk/sla", status_code=303)


HANDLERS = [policies_page, new_policy_page, create_policy, edit_policy_page, change_policy, delete_policy]
