"""Companies: the list, a company's page (hierarchy, people, timeline), creating and editing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from crm_hookspecs import FieldDefinition, Principal
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream

from crm_platform.activities import service as activities
from crm_platform.activities.schemas import ActivityIn
from crm_platform.companies import listing, related
from crm_platform.companies import service as companies
from crm_platform.companies.schemas import CompanyIn, CompanyPatch
from crm_platform.db.raw import fetch, placeholders
from crm_platform.errors import Conflict, Invalid
from crm_platform.records import access, customfields
from crm_platform.records.listing import custom_matches
from crm_platform.search import index as search_index
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import customlists, forms, lookups, plugin_slots, record_parts
from crm_platform.web.csv_export import csv_document
from crm_platform.web.rendering import is_htmx, render_fragment, render_page, zone_of
from crm_platform.web.undo import offer_notice

PAGE_SIZE = 50
EXPORT_PAGE = 200  # the most one list page holds
FILTER_KEYS = ("q", "owner", "industry", "tag", *customlists.QUERY_KEYS, "sort")
# Every sort of listing.SORTABLE but id, as the "Sort by" choices put it (ascending, descending).
SORT_COLUMNS = {
    "name": ("Name, A to Z", "Name, Z to A"),
    "industry": ("Industry, A to Z", "Industry, Z to A"),
    "created_at": ("Added, oldest first", "Added, newest first"),
    "updated_at": ("Updated, oldest first", "Updated, newest first"),
}


def _query(request: Request) -> dict[str, str]:
    found = {key: customlists.query_value(request, key) for key in FILTER_KEYS}
    return {key: value for key, value in found.items() if value}


def company_filters(query: dict[str, str]) -> listing.CompanyFilters:
    owner = query.get("owner", "")
    return listing.CompanyFilters(owner_id=int(owner) if owner.isdecimal() else None, tag=query.get("tag") or None,
                                  industry=query.get("industry") or None, custom=customlists.filter_pairs(query))


async def _rows(principal: Principal, query: dict[str, str], cursor: str | None,
                limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], str | None]:
    filters = company_filters(query)
    if not query.get("q"):
        return await listing.list_companies(principal, filters, query.get("sort", "name"), limit, cursor)
    hits = await search_index.search(principal, query["q"], 100, kinds=("company",))
    passed = await custom_matches(companies.RECORD_TYPE, "crm_company", [hit.record_id for hit in hits], filters.custom)
    ids = [hit.record_id for hit in hits if hit.record_id in passed]
    rows: list[dict[str, Any]] = []
    if ids:
        by_id = {row["id"]: companies.loads_row(row)
                 for row in await fetch(f"SELECT * FROM crm_company WHERE id IN ({placeholders(ids)})", *ids)}
        rows = [by_id[i] for i in ids if i in by_id and (filters.owner_id is None or by_id[i]["owner"] == filters.owner_id)
                and (not filters.industry or by_id[i]["industry"].lower() == filters.industry.lower())]
    return rows, None


@get("/companies", include_in_schema=False)
async def company_list(request: Request, principal: CurrentPrincipal, cursor: FromQuery[str | None] = None,
                       page: FromQuery[str] = "") -> Response:
    query = _query(request)
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    next_cursor = None
    try:
        rows, next_cursor = await _rows(principal, query, cursor)
    except Invalid as exc:
        errors = forms.field_errors(exc)
    more = "/companies?" + urlencode({**query, "cursor": next_cursor, "page": "rows"}) if next_cursor else None
    return await _list_page(request, query, rows, more, errors, page)


async def _list_page(request: Request, query: dict[str, str], rows: list[dict[str, Any]], more: str | None,
                     errors: dict[str, str], page: str = "") -> Response:
    users = await lookups.active_users()
    definitions = await customfields.definitions(companies.RECORD_TYPE)
    context = {"rows": rows, "more_url": more, "query": query, "owners": lookups.names_by_id(users), "errors": errors,
               "custom_fields": list(definitions.values()), "columns": customlists.chosen_columns(query, definitions)}
    if page == "rows":
        return render_fragment(request, "companies/_rows.html", **context)
    if is_htmx(request) and request.headers.get("hx-target") == "company-results":
        return render_fragment(request, "companies/_results.html", **context)
    return render_page(request, "companies/list.html", operator_choices=customlists.OPERATOR_CHOICES,
                       sort_choices=customlists.sort_choices(SORT_COLUMNS), status_code=422 if errors and page == "bulk" else 200,
                       owner_choices=[(user["id"], user["display_name"]) for user in users], **context)


@get("/companies/export", include_in_schema=False)
async def export_companies(request: Request, principal: CurrentPrincipal) -> Response:
    """Every listed company as CSV, a column per custom field, streamed a keyset page at a time."""
    query = _query(request)
    owners = lookups.names_by_id(await lookups.active_users())
    custom_keys = list(await customfields.definitions(companies.RECORD_TYPE))
    header = ["id", "name", "domains", "industry", "size", "owner", "tags", *custom_keys]

    def lines(rows: list[dict[str, Any]]) -> str:
        body = csv_document(header, (
            [row["id"], row["name"], ", ".join(row["domains"]), row["industry"], row["size"],
             owners.get(row["owner"], ""), ", ".join(row["tags"]),
             *[customlists.csv_text((row["custom"] or {}).get(key)) for key in custom_keys]] for row in rows))
        return body.split("\r\n", 1)[1]  # the rows, without the header

    async def chunks() -> AsyncIterator[str]:
        yield csv_document(header, [])
        rows, cursor = await _rows(principal, query, None, EXPORT_PAGE)
        yield lines(rows)
        while cursor:
            rows, cursor = await _rows(principal, query, cursor, EXPORT_PAGE)
            yield lines(rows)

    return Stream(chunks(), status_code=200, media_type="text/csv",
                  headers={"Content-Disposition": 'attachment; filename="companies.csv"'})


def _company_values(values: dict[str, Any], definitions: dict[str, FieldDefinition], errors: dict[str, str],
                    request: Request) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": forms.text(values, "name", 200),
        "domains": [d.strip() for d in forms.text(values, "domains", 2000).split(",") if d.strip()],
        "industry": forms.text(values, "industry", 100),
        "size": forms.text(values, "size", 20),
        "tags": [t for t in forms.text(values, "tags", 2000).split(",") if t.strip()],
    }
    parent = forms.text(values, "parent_id").removeprefix("company:")
    body["parent_id"] = int(parent) if parent.isdecimal() else None
    owner = forms.text(values, "owner_id")
    if owner.isdecimal():
        body["owner_id"] = int(owner)
    body["custom"] = forms.custom_values(values, definitions.values(), errors, zone_of(request))
    return body


async def _parent(principal: Principal, raw: Any) -> dict[str, Any] | None:
    """The chosen parent company's id and name, for the form; ``None`` when there is none or
    ``principal`` may not see it (its name stays hidden)."""
    text = str(raw or "").removeprefix("company:")
    if not text.isdecimal():
        return None
    rows = await fetch("SELECT id, owner, name FROM crm_company WHERE id = {}", int(text))
    return rows[0] if rows and await access.can(principal, "read", companies.RECORD_TYPE, rows[0]) else None


async def _form(request: Request, company: dict[str, Any] | None, values: dict[str, Any],
                errors: dict[str, str]) -> Response:
    users = await lookups.active_users()
    principal = request.scope["user"]
    return render_page(request, "companies/form.html", status_code=422 if errors else 200, company=company,
                       parent=await _parent(principal, values.get("parent_id")),
                       values=values, errors=errors, owner_choices=[(u["id"], u["display_name"]) for u in users],
                       custom_fields=list((await customfields.definitions(companies.RECORD_TYPE)).values()))


@get("/companies/new", include_in_schema=False)
async def new_company(request: Request, principal: CurrentPrincipal) -> Response:
    return await _form(request, None, {"owner_id": principal.id}, {})


@post("/companies", include_in_schema=False)
async def create_company(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    errors: dict[str, str] = {}
    body = _company_values(values, await customfields.definitions(companies.RECORD_TYPE), errors, request)
    body["custom"] = {key: value for key, value in body["custom"].items() if value is not None}
    try:
        if errors:
            raise Invalid(errors)
        created = await companies.create(principal, forms.to_struct(body, CompanyIn))
    except Invalid as exc:
        return await _form(request, None, values, forms.field_errors(exc, {"domains": "domains", "parent": "parent_id"}))
    except Conflict as exc:
        return await _form(request, None, values, {"name": exc.message})
    offer_notice(request, f"Company {created['name']} created.")
    return Redirect(f"/companies/{created['id']}", status_code=303)


@get("/companies/{company_id:int}/edit", include_in_schema=False)
async def edit_company(request: Request, principal: CurrentPrincipal, company_id: FromPath[int]) -> Response:
    company = await companies.get(principal, company_id, "write")
    values = {"name": company["name"], "domains": ", ".join(company["domains"]), "industry": company["industry"],
              "size": company["size"], "tags": ", ".join(company["tags"]), "parent_id": company["parent"] or "",
              "owner_id": company["owner"] or "",
              **{f"custom.{key}": value for key, value in (company["custom"] or {}).items()}}
    return await _form(request, company, values, {})


@post("/companies/{company_id:int}", include_in_schema=False)
async def update_company(request: Request, principal: CurrentPrincipal, company_id: FromPath[int]) -> Response:
    company = await companies.get(principal, company_id, "write")
    values = await forms.form_data(request)
    errors: dict[str, str] = {}
    body = _company_values(values, await customfields.definitions(companies.RECORD_TYPE), errors, request)
    try:
        if errors:
            raise Invalid(errors)
        await companies.update(principal, company_id, forms.to_struct(body, CompanyPatch))
    except Invalid as exc:
        return await _form(request, company, values, forms.field_errors(exc, {"parent": "parent_id"}))
    except Conflict as exc:
        return await _form(request, company, values, {"name": exc.message})
    offer_notice(request, "Company saved.")
    return Redirect(f"/companies/{company_id}", status_code=303)


async def _page(request: Request, principal: Principal, company_id: int, *, status_code: int = 200,
                errors: dict[str, dict[str, str]] | None = None, values: dict[str, Any] | None = None) -> Response:
    company = await companies.get(principal, company_id)
    types = record_parts.parse_types(request.query_params.get("types"))
    entries, next_cursor = await record_parts.timeline_entries(principal, "company", company_id, types)
    people, more_people = await related.people(principal, company_id, 50)
    users = await lookups.active_users()
    definitions = await customfields.definitions(companies.RECORD_TYPE)
    return render_page(
        request, "companies/page.html", status_code=status_code, company=company,
        hierarchy=await related.hierarchy(principal, company_id), people=people, more_people=more_people,
        entries=entries, timeline_more=next_cursor, timeline_types=types, owners=lookups.names_by_id(users),
        activity_choices=[(k, t.label) for k, t in record_parts.activity_types().items() if not t.is_task],
        filter_choices=list(record_parts.activity_types().values()),
        slots=await plugin_slots.record_slots(request, "company", company_id, principal),
        history=await record_parts.history("company", company_id),
        custom_fields=list(definitions.values()),
        reference_names=await customfields.reference_names(principal, definitions, company["custom"]),
        errors=errors or {}, values=values or {}, record_href=f"/companies/{company_id}",
    )


@get("/companies/{company_id:int}", include_in_schema=False)
async def company_page(request: Request, principal: CurrentPrincipal, company_id: FromPath[int]) -> Response:
    return await _page(request, principal, company_id)


@get("/companies/{company_id:int}/timeline", include_in_schema=False)
async def company_timeline(request: Request, principal: CurrentPrincipal, company_id: FromPath[int],
                           cursor: FromQuery[str | None] = None) -> Response:
    await companies.get(principal, company_id)
    types = record_parts.parse_types(request.query_params.get("types"))
    entries, next_cursor = await record_parts.timeline_entries(principal, "company", company_id, types, cursor)
    return render_fragment(request, "partials/timeline.html", entries=entries, timeline_more=next_cursor,
                           timeline_types=types, record_href=f"/companies/{company_id}")


async def _log(request: Request, principal: Principal, company_id: int, kind: str) -> Response:
    await companies.get(principal, company_id)
    values = await forms.form_data(request)
    errors: dict[str, str] = {}
    read_form = record_parts.activity_body if kind == "log" else record_parts.follow_up_body
    body = read_form(values, errors, zone_of(request))
    try:
        record_parts.raise_if(errors)
        body = {key: value for key, value in body.items() if value is not None}
        body["links"] = [{"record_type": "company", "record_id": company_id}]
        await activities.create(principal, forms.to_struct(body, ActivityIn))
    except Invalid as exc:
        return await _page(request, principal, company_id, status_code=422,
                           errors={kind: forms.field_errors(exc)}, values={kind: values})
    offer_notice(request, "Activity logged." if kind == "log" else "Follow-up scheduled.")
    return Redirect(f"/companies/{company_id}#timeline", status_code=303)


@post("/companies/{company_id:int}/activities", include_in_schema=False)
async def log_activity(request: Request, principal: CurrentPrincipal, company_id: FromPath[int]) -> Response:
    return await _log(request, principal, company_id, "log")


@post("/companies/{company_id:int}/follow-ups", include_in_schema=False)
async def schedule_follow_up(request: Request, principal: CurrentPrincipal, company_id: FromPath[int]) -> Response:
    return await _log(request, principal, company_id, "follow_up")


HANDLERS = [company_list, export_companies, new_company, create_company, edit_company, update_company, company_page, company_timeline,
            log_activity, schedule_follow_up]
