"""Editing a logged activity from a timeline: its kind, summary, notes, time and links."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_platform.activities import links as activity_links
from crm_platform.activities import service as activities
from crm_platform.activities.schemas import ActivityPatch
from crm_platform.errors import Invalid
from crm_platform.records import kinds, pipeline
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import forms, record_parts
from crm_platform.web.auth import safe_next
from crm_platform.web.rendering import is_htmx, render_fragment, render_page, zone_of
from crm_platform.web.undo import offer_notice


async def _linked(principal: Principal, activity: dict[str, Any]) -> list[dict[str, Any]]:
    """The activity's links with the names of the records the user may see, one query per kind."""
    by_kind: dict[str, list[int]] = {}
    for link in activity["links"]:
        by_kind.setdefault(link["record_type"], []).append(link["record_id"])
    names: dict[tuple[str, int], str] = {}
    for key, ids in by_kind.items():
        kind = kinds.find(key)
        if kind is None:
            continue
        for record_id, row in (await pipeline.read_many(principal, key, ids)).items():
            names[(key, record_id)] = str(row.get(kind.title_column) or f"{kind.label} {record_id}")
    return [link | {"key": f"{link['record_type']}:{link['record_id']}",
                    "name": names.get((link["record_type"], link["record_id"]))} for link in activity["links"]]


def _type_choices(activity: dict[str, Any]) -> list[tuple[str, str]]:
    types = record_parts.activity_types()
    current = types.get(activity["type"])
    is_task = bool(current and current.is_task)
    return [(key, item.label) for key, item in types.items() if item.is_task == is_task]


async def _form(request: Request, principal: Principal, activity_id: int, next_href: str, *,
                values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                status_code: int = 200) -> Response:
    activity = await activities.get(principal, activity_id, "write")
    context = {
        "activity": activity, "linked": await _linked(principal, activity), "type_choices": _type_choices(activity),
        "next_href": safe_next(next_href), "values": values, "errors": errors or {},
    }
    if is_htmx(request):
        return render_fragment(request, "partials/activity_edit.html", status_code=status_code, **context)
    return render_page(request, "activity_edit.html", status_code=status_code, **context)


@get("/activities/{activity_id:int}/edit", include_in_schema=False)
async def edit_form(request: Request, principal: CurrentPrincipal, activity_id: FromPath[int],
                    next: FromQuery[str] = "/") -> Response:
    return await _form(request, principal, activity_id, next)


def _new_links(activity: dict[str, Any], values: dict[str, Any]) -> tuple[list[int], list[dict[str, Any]]] | None:
    """The participants and links the form asks for, or ``None`` when they stay as they are."""
    kept = set(forms.listed(values, "keep"))
    current = {f"{link['record_type']}:{link['record_id']}": link for link in activity["links"]}
    added = forms.text(values, "target")
    wanted = [key for key in current if key in kept]
    if added and added not in current:
        wanted.append(added)
    if wanted == list(current):
        return None
    participants, about = [], []
    for key in wanted:
        kind, _, raw_id = key.partition(":")
        if not raw_id.isdecimal():
            raise Invalid({"links": "search for a contact or company and pick one"})
        link = current.get(key)
        if link is not None and link["role"] == activity_links.PARTICIPANT:
            participants.append(int(raw_id))
        else:
            about.append({"record_type": kind, "record_id": int(raw_id)})
    return participants, about


@post("/activities/{activity_id:int}/edit", include_in_schema=False)
async def save(request: Request, principal: CurrentPrincipal, activity_id: FromPath[int]) -> Response:
    activity = await activities.get(principal, activity_id, "write")
    values = await forms.form_data(request)
    next_href = safe_next(forms.text(values, "next"))
    errors: dict[str, str] = {}
    body = {
        "type": forms.text(values, "type", 60) or activity["type"],
        "subject": forms.text(values, "subject", 300),
        "body": forms.text(values, "body", 20_000),
    }
    occurred_at = forms.optional_datetime(values, "occurred_at", errors, zone_of(request))
    if occurred_at is not None:
        body["occurred_at"] = occurred_at
    if "ends_at" in values:
        body["ends_at"] = forms.optional_datetime(values, "ends_at", errors, zone_of(request))
    if not body["subject"] and not body["body"]:
        errors["subject"] = "say what happened, in the summary or the notes"
    try:
        record_parts.raise_if(errors)
        relinked = _new_links(activity, values)
        if relinked is not None:
            body["participant_ids"], body["links"] = relinked
        await activities.update(principal, activity_id, forms.to_struct(body, ActivityPatch))
    except Invalid as exc:
        return await _form(request, principal, activity_id, next_href, values=values,
                           errors=forms.field_errors(exc), status_code=422)
    offer_notice(request, "Activity saved.")
    return Redirect(f"{next_href.split('#')[0]}#timeline", status_code=303)


HANDLERS = [edit_form, save]
