"""A contact's page: profile edited in place, relationships and their graph, the timeline,
quick logging, follow-ups, plugin panels and the audit history."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_platform.activities import service as activities
from crm_platform.activities.schemas import ActivityIn
from crm_platform.contacts import employer
from crm_platform.contacts import service as contacts
from crm_platform.contacts.schemas import ContactPatch
from crm_platform.errors import Conflict, Invalid
from crm_platform.records import customfields
from crm_platform.records.reads import announce_history, announce_read
from crm_platform.relationships import graph as relationship_graph
from crm_platform.relationships import service as relationships
from crm_platform.relationships.schemas import RelationshipIn
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import forms, lookups, plugin_slots, record_parts
from crm_platform.web.contacts import RENAMES, contact_values, stage_choices
from crm_platform.web.rendering import is_htmx, render_fragment, render_page, zone_of
from crm_platform.web.undo import offer_notice


def _other_end(row: dict[str, Any], contact_id: int) -> dict[str, Any]:
    is_source = (row["source_type"], row["source_id"]) == ("contact", contact_id)
    end = "target" if is_source else "source"
    kind = row[f"{end}_type"]
    return {"type": kind, "id": row[f"{end}_id"], "name": row[f"{end}_name"] or "",
            "href": f"/{'contacts' if kind == 'contact' else 'companies'}/{row[f'{end}_id']}"}


async def _relationships(principal: Principal, contact_id: int) -> list[dict[str, Any]]:
    rows, _ = await relationships.list_relationships(principal, ("contact", contact_id), None, 50)
    types = relationships.registered_types()
    return [
        {"id": row["id"], "label": relationships.label_from(row, types, "contact", contact_id), "role": row["role"],
         "other": _other_end(row, contact_id)}
        for row in rows
    ]


def _relationship_choices() -> list[tuple[str, str]]:
    return [(item.key, item.label) for item in relationships.registered_types().values()
            if "contact" in item.source_kinds]


def _log_choices() -> list[tuple[str, str]]:
    return [(key, item.label) for key, item in record_parts.activity_types().items() if not item.is_task]


async def _profile_context(principal: Principal, contact: dict[str, Any]) -> dict[str, Any]:
    users = await lookups.active_users()
    definitions = await customfields.definitions("contact")
    return {"contact": contact, "owners": lookups.names_by_id(users),
            "owner_choices": [(user["id"], user["display_name"]) for user in users],
            "stage_choices": stage_choices(), "custom_fields": list(definitions.values()),
            "reference_names": await customfields.reference_names(principal, definitions, contact["custom"]),
            "company": contact["companies"][0] if contact["companies"] else None}


async def _page(request: Request, principal: Principal, contact_id: int, *, status_code: int = 200,
                errors: dict[str, dict[str, str]] | None = None, values: dict[str, Any] | None = None) -> Response:
    contact = await contacts.get(principal, contact_id)
    await announce_read(principal, "contact", [contact], "page", request)
    types = record_parts.parse_types(request.query_params.get("types"))
    entries, next_cursor = await record_parts.timeline_entries(principal, "contact", contact_id, types)
    graph = await relationship_graph.contact_graph(principal, contact_id, depth=2)
    history = await record_parts.history("contact", contact_id)
    await announce_history(principal, "contact", contact_id, history, request)
    return render_page(
        request, "contacts/page.html", status_code=status_code,
        **await _profile_context(principal, contact),
        relationships=await _relationships(principal, contact_id),
        graph=record_parts.graph_layout(graph, f"contact:{contact_id}"),
        entries=entries, timeline_more=next_cursor, timeline_types=types,
        activity_choices=_log_choices(), filter_choices=list(record_parts.activity_types().values()),
        relationship_choices=_relationship_choices(),
        slots=await plugin_slots.record_slots(request, "contact", contact_id, principal),
        history=history,
        errors=errors or {}, values=values or {}, record_href=f"/contacts/{contact_id}",
    )


@get("/contacts/{contact_id:int}", include_in_schema=False)
async def contact_page(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    return await _page(request, principal, contact_id)


@get("/contacts/{contact_id:int}/profile", include_in_schema=False)
async def profile(
    request: Request, principal: CurrentPrincipal, contact_id: FromPath[int], edit: FromQuery[bool] = False
) -> Response:
    contact = await contacts.get(principal, contact_id)
    await announce_read(principal, "contact", [contact], "form" if edit else "page", request)
    context = await _profile_context(principal, contact)
    template = "contacts/_profile_form.html" if edit else "contacts/_profile.html"
    return render_fragment(request, template, values=_form_values(contact), errors={}, **context)


def _form_values(contact: dict[str, Any]) -> dict[str, Any]:
    return {
        "given_name": contact["given_name"], "family_name": contact["family_name"],
        "email": contact["primary_email"] or "", "phone": contact["phones"][0]["number"] if contact["phones"] else "",
        "job_title": contact["job_title"], "lifecycle_stage": contact["lifecycle_stage"],
        "owner_id": contact["owner"] or "", "tags": ", ".join(contact["tags"]),
        **{f"custom.{key}": value for key, value in (contact["custom"] or {}).items()},
    }


@post("/contacts/{contact_id:int}", include_in_schema=False)
async def update_profile(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    contact = await contacts.get(principal, contact_id)
    values = await forms.form_data(request)
    context = await _profile_context(principal, contact)
    body = contact_values(values)
    errors: dict[str, str] = {}
    body["custom"] = forms.custom_values(values, context["custom_fields"], errors, zone_of(request))
    # Keep the addresses and numbers beyond the first, which this form does not show.
    body["emails"] = body["emails"][:1] + [item for item in contact["emails"][1:]]
    body["phones"] = body["phones"][:1] + [item for item in contact["phones"][1:]]
    if "owner_id" not in body:
        body["owner_id"] = None
    try:
        if errors:
            raise Invalid(errors)
        patch = forms.to_struct(body, ContactPatch)
        picked = employer.picked_company(forms.text(values, "company_id"))
        shown = context["company"]["id"] if context["company"] else None
        if picked is not None and picked != shown and await employer.visible_company(principal, picked) is None:
            raise Invalid({"company_id": "choose a company you can see"})
        updated = await contacts.update(principal, contact_id, patch)
        await employer.set_employer(principal, contact_id, shown, picked)
        updated = await contacts.get(principal, contact_id)
    except Invalid as exc:
        errors = forms.field_errors(exc, RENAMES)
    except Conflict as exc:
        errors = {"email": exc.message}
    else:
        if not is_htmx(request):
            offer_notice(request, "Contact saved.")
            return Redirect(f"/contacts/{contact_id}", status_code=303)
        await announce_read(principal, "contact", [updated], "page", request)
        context = await _profile_context(principal, updated)
        response = render_fragment(request, "contacts/_profile.html", **context)
        response.headers["X-Toast"] = "Contact saved."
        return response
    return render_fragment(request, "contacts/_profile_form.html", status_code=422, values=values, errors=errors,
                           **context)


@get("/contacts/{contact_id:int}/timeline", include_in_schema=False)
async def contact_timeline(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int],
                           cursor: FromQuery[str | None] = None) -> Response:
    await contacts.get(principal, contact_id)
    types = record_parts.parse_types(request.query_params.get("types"))
    entries, next_cursor = await record_parts.timeline_entries(principal, "contact", contact_id, types, cursor)
    return render_fragment(request, "partials/timeline.html", entries=entries, timeline_more=next_cursor,
                           timeline_types=types, record_href=f"/contacts/{contact_id}", owners={})


async def _create_activity(principal: Principal, contact_id: int, body: dict[str, Any]) -> None:
    body["links"] = [{"record_type": "contact", "record_id": contact_id}]
    await activities.create(principal, forms.to_struct(body, ActivityIn))


@post("/contacts/{contact_id:int}/activities", include_in_schema=False)
async def log_activity(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    await contacts.get(principal, contact_id)
    values = await forms.form_data(request)
    errors: dict[str, str] = {}
    body = record_parts.activity_body(values, errors, zone_of(request))
    try:
        record_parts.raise_if(errors)
        await _create_activity(principal, contact_id, {k: v for k, v in body.items() if v is not None})
    except Invalid as exc:
        return await _page(request, principal, contact_id, status_code=422,
                           errors={"log": forms.field_errors(exc)}, values={"log": values})
    offer_notice(request, "Activity logged.")
    return Redirect(f"/contacts/{contact_id}#timeline", status_code=303)


@post("/contacts/{contact_id:int}/follow-ups", include_in_schema=False)
async def schedule_follow_up(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    await contacts.get(principal, contact_id)
    values = await forms.form_data(request)
    errors: dict[str, str] = {}
    body = record_parts.follow_up_body(values, errors, zone_of(request))
    try:
        record_parts.raise_if(errors)
        await _create_activity(principal, contact_id, body)
    except Invalid as exc:
        return await _page(request, principal, contact_id, status_code=422,
                           errors={"follow_up": forms.field_errors(exc)}, values={"follow_up": values})
    offer_notice(request, "Follow-up scheduled.")
    return Redirect(f"/contacts/{contact_id}#timeline", status_code=303)


@post("/contacts/{contact_id:int}/relationships", include_in_schema=False)
async def add_relationship(request: Request, principal: CurrentPrincipal, contact_id: FromPath[int]) -> Response:
    values = await forms.form_data(request)
    kind, _, target_id = forms.text(values, "target").partition(":")
    try:
        if kind not in ("contact", "company") or not target_id.isdecimal():
            raise Invalid({"target": "search for a contact or company and pick one"})
        data = {"type": forms.text(values, "type", 60), "source": {"type": "contact", "id": contact_id},
                "target": {"type": kind, "id": int(target_id)}, "role": forms.text(values, "role", 100)}
        await relationships.create(principal, forms.to_struct(data, RelationshipIn))
    except (Invalid, Conflict) as exc:
        errors = forms.field_errors(exc) if isinstance(exc, Invalid) else {"target": exc.message}
        return await _page(request, principal, contact_id, status_code=422,
                           errors={"relationship": errors}, values={"relationship": values})
    offer_notice(request, "Relationship added.")
    return Redirect(f"/contacts/{contact_id}#relationships", status_code=303)


HANDLERS = [contact_page, profile, update_profile, contact_timeline, log_activity, schedule_follow_up,
            add_relationship]
