"""The contacts list: search as you type, filters, sort, saved views, keyset pages and bulk actions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

from crm_hookspecs import Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream

from crm_platform.bulk import service as bulk_service
from crm_platform.contacts import bulk, duplicates, employer, listing
from crm_platform.contacts import service as contacts
from crm_platform.contacts.schemas import ContactIn
from crm_platform.contacts.tables import LIFECYCLE_STAGES
from crm_platform.errors import Conflict, Invalid, NotFound
from crm_platform.records import customfields, pipeline
from crm_platform.records.listing import custom_matches
from crm_platform.records.reads import announce_read
from crm_platform.records.tables import SavedView
from crm_platform.search import index as search_index
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import bulk as web_bulk
from crm_platform.web import customlists, forms, lookups
from crm_platform.web.csv_export import csv_document
from crm_platform.web.rendering import is_htmx, render_fragment, render_page, zone_of
from crm_platform.web.undo import offer_notice

PAGE_SIZE = 50
# The most contacts one "select all matching" takes.
BULK_MAX = 200_000
SEARCH_LIMIT = 100
FILTER_KEYS = ("q", "owner", "stage", "tag", *customlists.QUERY_KEYS, "sort")
# Every sort of listing.SORTABLE but id, as the "Sort by" choices put it (ascending, descending).
SORT_COLUMNS = {
    "display_name": ("Name, A to Z", "Name, Z to A"),
    "lifecycle_stage": ("Stage, A to Z", "Stage, Z to A"),
    "created_at": ("Added, oldest first", "Added, newest first"),
    "updated_at": ("Updated, oldest first", "Updated, newest first"),
}


def _query(request: Request) -> dict[str, str]:
    found = {key: customlists.query_value(request, key) for key in FILTER_KEYS}
    return {key: value for key, value in found.items() if value}


def _filters(query: dict[str, str]) -> listing.ContactFilters:
    owner = query.get("owner", "")
    stage = query.get("stage", "")
    return listing.ContactFilters(
        owner_id=int(owner) if owner.isdecimal() else None,
        tag=query.get("tag") or None,
        lifecycle_stage=stage if stage in LIFECYCLE_STAGES else None,
        custom=customlists.filter_pairs(query),
    )


def _matches(row: dict[str, Any], filters: listing.ContactFilters) -> bool:
    if filters.owner_id is not None and row["owner"] != filters.owner_id:
        return False
    if filters.lifecycle_stage and row["lifecycle_stage"] != filters.lifecycle_stage:
        return False
    if filters.tag and filters.tag.strip().lower() not in row["tags"]:
        return False
    return True


async def _searched(principal: Principal, text: str, filters: listing.ContactFilters) -> list[dict[str, Any]]:
    """The best matches for the words typed, filtered: a fixed four queries."""
    hits = await search_index.search(principal, text, limit=SEARCH_LIMIT, kinds=("contact",))
    ids = list(await _custom_passed([hit.record_id for hit in hits], filters))
    rows = await contacts.rows_by_id(ids)
    companies = await contacts.companies_of(principal, ids)
    found = []
    for record_id in ids:
        row = rows.get(record_id)
        if row is not None and _matches(row, filters):
            row["companies"] = companies.get(record_id, [])
            found.append(row)
    return found


async def _custom_passed(ids: list[int], filters: listing.ContactFilters) -> list[int]:
    passed = await custom_matches(contacts.RECORD_TYPE, "crm_contact", ids, filters.custom)
    return [record_id for record_id in ids if record_id in passed]


async def _results(principal: Principal, query: dict[str, str], cursor: str | None) -> dict[str, Any]:
    filters = _filters(query)
    sort = query.get("sort", "display_name")
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    next_cursor = None
    try:
        if query.get("q"):
            rows = await _searched(principal, query["q"], filters)
        else:
            rows, next_cursor = await listing.list_contacts(principal, filters, sort, PAGE_SIZE, cursor)
    except Invalid as exc:
        errors = forms.field_errors(exc)
    more = None
    if next_cursor:
        more = "/contacts?" + urlencode({**query, "cursor": next_cursor, "page": "rows"})
    definitions = await customfields.definitions(contacts.RECORD_TYPE)
    return {"rows": rows, "more_url": more, "errors": errors, "query": query, "sort": sort,
            "custom_fields": list(definitions.values()), "columns": customlists.chosen_columns(query, definitions)}


def stage_choices() -> list[tuple[str, str]]:
    return [(stage, stage.capitalize()) for stage in LIFECYCLE_STAGES]


async def _saved_views(principal: Principal) -> list[dict[str, Any]]:
    return await SavedView.select(SavedView.id, SavedView.name, SavedView.query).where(
        (SavedView.user == principal.id) & (SavedView.record_type == "contact")
    ).order_by(SavedView.name).output(load_json=True)


@get("/contacts", include_in_schema=False)
async def contact_list(request: Request, principal: CurrentPrincipal, cursor: FromQuery[str | None] = None,
                       page: FromQuery[str] = "") -> Response:
    query = _query(request)
    return await _list_page(request, principal, query, cursor, page)


async def _list_page(request: Request, principal: Principal, query: dict[str, str], cursor: str | None = None,
                     page: str = "", errors: dict[str, str] | None = None) -> Response:
    results = await _results(principal, query, cursor)
    if errors:
        results["errors"] = errors
    await announce_read(principal, "contact", results["rows"], "list", request)
    users = await lookups.active_users()
    context = {**results, "owners": lookups.names_by_id(users), "sort_choices": customlists.sort_choices(SORT_COLUMNS),
               "stage_choices": stage_choices()}
    if page == "rows":
        return render_fragment(request, "contacts/_rows.html", **context)
    if is_htmx(request) and request.headers.get("hx-target") == "contact-results":
        return render_fragment(request, "contacts/_results.html", **context)
    return render_page(
        request, "contacts/list.html", owner_choices=[(user["id"], user["display_name"]) for user in users],
        views=await _saved_views(principal), operator_choices=customlists.OPERATOR_CHOICES,
        status_code=422 if errors else 200, **context,
    )


@get("/contacts/new", include_in_schema=False)
async def new_contact(request: Request, principal: CurrentPrincipal) -> Response:
    return await _new_form(request, {"lifecycle_stage": "lead"}, {})


async def _new_form(
    request: Request, values: dict[str, Any], errors: dict[str, str], duplicate: dict[str, Any] | None = None,
    likely: list[duplicates.Candidate] | None = None,
) -> Response:
    users = await lookups.active_users()
    company = await employer.visible_company(request.scope["user"], employer.picked_company(str(values.get("company_id", ""))))
    return render_page(request, "contacts/new.html", status_code=422 if errors else 200, values=values, company=company,
                       errors=errors, duplicate=duplicate, likely=likely or [], stage_choices=stage_choices(),
                       owner_choices=[(user["id"], user["display_name"]) for user in users],
                       custom_fields=list((await customfields.definitions(contacts.RECORD_TYPE)).values()))


def contact_values(values: dict[str, Any]) -> dict[str, Any]:
    """Form fields as the API's contact body."""
    email = forms.text(values, "email", 254)
    phone = forms.text(values, "phone", 40)
    body: dict[str, Any] = {
        "given_name": forms.text(values, "given_name", 100),
        "family_name": forms.text(values, "family_name", 100),
        "job_title": forms.text(values, "job_title", 200),
        "lifecycle_stage": forms.text(values, "lifecycle_stage", 40) or "lead",
        "emails": [{"address": email}] if email else [],
        "phones": [{"number": phone}] if phone else [],
        "tags": [tag for tag in forms.text(values, "tags", 2000).split(",") if tag.strip()],
    }
    owner = forms.text(values, "owner_id")
    if owner.isdecimal():
        body["owner_id"] = int(owner)
    return body


RENAMES = {"emails": "email", "phones": "phone", "owner_id": "owner_id", "primary_email": "email",
           "company_ids": "company_id"}


@post("/contacts", include_in_schema=False)
async def create_contact(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    errors: dict[str, str] = {}
    duplicate = None
    body = contact_values(values)
    definitions = await customfields.definitions(contacts.RECORD_TYPE)
    body["custom"] = {key: value for key, value in
                      forms.custom_values(values, definitions.values(), errors, zone_of(request)).items()
                      if value is not None}
    company_id = employer.picked_company(forms.text(values, "company_id"))
    body["company_ids"] = [company_id] if company_id is not None else []
    if not errors and forms.text(values, "save_anyway") != "yes":
        likely = await duplicates.candidates_for_new(principal, body)
        # A taken primary email is refused on save, with its own message; the rest is a warning.
        if likely and not any("same email" in candidate.reasons for candidate in likely):
            return await _new_form(request, values, {}, likely=likely)
    try:
        if errors:
            raise Invalid(errors)
        created = await contacts.create(principal, forms.to_struct(body, ContactIn))
    except Invalid as exc:
        errors = forms.field_errors(exc, RENAMES)
    except Conflict as exc:
        errors = {"email": exc.message}
        # Named only when the user may see it (contacts.email_taken decides).
        duplicate = exc.extra if "existing_id" in exc.extra else None
    else:
        offer_notice(request, f"Contact {created['display_name']} created.")
        return Redirect(f"/contacts/{created['id']}", status_code=303)
    return await _new_form(request, values, errors, duplicate)


async def _selected(principal: Principal, ids: list[str]) -> list[dict[str, Any]]:
    """The chosen contacts the user may see (others are skipped, not revealed)."""
    wanted = [int(value) for value in ids if value.isdecimal()][:1000]
    rows = await pipeline.read_many(principal, contacts.RECORD_TYPE, wanted)
    return [rows[i] for i in wanted if i in rows]


def _csv(rows: list[dict[str, Any]], owners: dict[int, str], custom_keys: list[str]) -> str:
    """The contacts as CSV, a column per custom field (headed by its key) after the fixed ones."""
    return csv_document(
        [*CSV_HEADER, *custom_keys],
        ([row["id"], row["display_name"], row["primary_email"], row["phones"][0]["number"] if row["phones"] else "",
          row["job_title"], row["lifecycle_stage"], owners.get(row["owner"], ""), ", ".join(row["tags"]),
          *[customlists.csv_text((row["custom"] or {}).get(key)) for key in custom_keys]] for row in rows),
    )


# What the list's bulk bar asks for, as the bulk service names it.
BULK_ACTIONS = {"assign": "owner", "stage": "stage", "tag": "tag", "delete": "delete"}
CSV_HEADER = ["id", "name", "email", "phone", "job_title", "stage", "owner", "tags"]


def _matching_query(values: dict[str, Any]) -> dict[str, str]:
    """The list's filters a "select all matching" form carries, as the list's own query."""
    pairs = parse_qsl(forms.text(values, "matching", 4000))
    return {key: value for key, value in pairs if key in FILTER_KEYS and value}


async def _matching_ids(principal: Principal, query: dict[str, str]) -> list[int]:
    filters = _filters(query)
    if query.get("q"):
        return [row["id"] for row in await _searched(principal, query["q"], filters)]
    return await bulk.matching_ids(principal, filters, BULK_MAX)


async def _export_matching(request: Request, principal: Principal, query: dict[str, str]) -> Response:
    """The whole filtered list as CSV, streamed a page at a time."""
    users = await lookups.active_users()
    owners = lookups.names_by_id(users)
    custom_keys = list(await customfields.definitions(contacts.RECORD_TYPE))

    async def chunks() -> AsyncIterator[str]:
        yield csv_document([*CSV_HEADER, *custom_keys], [])
        async for rows in _matching_pages(principal, query):
            await announce_read(principal, "contact", rows, "export", request)
            yield _csv(rows, owners, custom_keys).split("\r\n", 1)[1]  # the rows, without the header

    return Stream(chunks(), status_code=200, media_type="text/csv",
                  headers={"Content-Disposition": 'attachment; filename="contacts.csv"'})


async def _matching_pages(principal: Principal, query: dict[str, str]) -> AsyncIterator[list[dict[str, Any]]]:
    if query.get("q"):
        yield await _searched(principal, query["q"], _filters(query))
        return
    async for rows in bulk.matching_pages(principal, _filters(query), query.get("sort", "display_name")):
        yield rows


@get("/contacts/matching", include_in_schema=False)
async def matching_label(request: Request, principal: CurrentPrincipal) -> Response:
    """The "select all N matching" label, counted only when the bulk bar shows."""
    query = _query(request)
    if query.get("q"):
        count = len(await _searched(principal, query["q"], _filters(query)))
    else:
        count = await bulk.matching_count(principal, _filters(query))
    return Response(f"Select all {count:,} matching", media_type="text/plain")


@post("/contacts/bulk", include_in_schema=False)
async def bulk_action(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    action = forms.text(values, "action")
    back = forms.text(values, "back") or "/contacts"
    back = back if back.startswith("/contacts") else "/contacts"
    matching = forms.text(values, "scope") == "matching"
    if action == "export":
        if matching:
            return await _export_matching(request, principal, _matching_query(values))
        rows = await _selected(principal, forms.listed(values, "ids"))
        await announce_read(principal, "contact", rows, "export", request)
        users = await lookups.active_users()
        custom_keys = list(await customfields.definitions(contacts.RECORD_TYPE))
        return Response(_csv(rows, lookups.names_by_id(users), custom_keys), status_code=200, media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'})
    owner = forms.text(values, "owner_id")
    params: dict[str, Any] = {
        "owner_id": int(owner) if owner.isdecimal() else None,
        "stage": forms.text(values, "stage", 40), "tag": forms.text(values, "tag", 100),
    }
    try:
        if action not in BULK_ACTIONS:
            raise Invalid({"action": "choose add tag, assign, move, delete or export"})
        bulk_service.check(contacts.RECORD_TYPE, BULK_ACTIONS[action], params)
        if matching:
            ids = await _matching_ids(principal, _matching_query(values))
        else:
            ids = [row["id"] for row in await _selected(principal, forms.listed(values, "ids"))]
        return await web_bulk.run(request, principal, contacts.RECORD_TYPE, ids, BULK_ACTIONS[action], params, back)
    except Invalid as exc:
        # Back to the list the action came from, the reason above it.
        query = {key: value for key, value in parse_qsl(back.partition("?")[2]) if key in FILTER_KEYS and value}
        return await _list_page(request, principal, query, errors=forms.field_errors(exc))


@post("/contacts/views", include_in_schema=False)
async def save_view(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    name = forms.text(values, "name", 100)
    query = {key: forms.text(values, key, 200) for key in FILTER_KEYS if forms.text(values, key, 200)}
    if name:
        await SavedView.insert(SavedView(user=principal.id, record_type="contact", name=name, query=json.dumps(query)))
        offer_notice(request, f"View {name} saved.")
    return Redirect("/contacts?" + urlencode(query), status_code=303)


@post("/contacts/views/{view_id:int}/delete", include_in_schema=False)
async def delete_view(request: Request, principal: CurrentPrincipal, view_id: FromPath[int]) -> Response:
    deleted = await SavedView.delete().where((SavedView.id == view_id) & (SavedView.user == principal.id)).returning(
        SavedView.id
    )
    if not deleted:
        raise NotFound("saved view", view_id)
    offer_notice(request, "View removed.")
    return Redirect("/contacts", status_code=303)


HANDLERS = [contact_list, new_contact, create_contact, matching_label, bulk_action, save_view, delete_view]
