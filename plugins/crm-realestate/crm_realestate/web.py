"""The pages under ``/realestate/``: the listings, a property with its offers, showings and
matching buyers, its form, and the panels on contact pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from crm_hookspecs import Panel, Principal
from crm_platform.toolkit import (
    ActivityIn,
    CurrentPrincipal,
    Invalid,
    create_record,
    custom_inputs,
    delete_record,
    field_definitions,
    get_record,
    get_records,
    list_users,
    log_activity,
    offer_undo,
    record_timeline,
    render_page,
    update_record,
)
from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from crm_realestate import deals, matching, offers, properties
from crm_realestate.properties import KIND_KEY, STATUS_LABELS, TYPES

FORM_FIELDS = ("address", "area", "type", "bedrooms", "bathrooms", "area_m2", "price", "currency", "status",
               "agent_id", "owner_contact_id", "description")
FILTERS = ("status", "type", "area", "min_price", "max_price", "min_bedrooms")
SHOWING = "realestate_showing"


def _picked(raw: str | None) -> int | None:
    text = (raw or "").strip().removeprefix("contact:")
    return int(text) if text.isdecimal() else None


def _form_values(form: Any) -> dict[str, Any]:
    """The form's fields as the API's names; empty numbers are no value."""
    given = {name: (form.get(name) or "").strip() for name in FORM_FIELDS}
    picked = _picked(form.get("owner_pick"))
    given["owner_contact_id"] = picked if picked is not None else _picked(given["owner_contact_id"])
    given["agent"] = int(given.pop("agent_id")) if given["agent_id"].isdecimal() else None
    given["photos"] = [line.strip() for line in (form.get("photos") or "").splitlines() if line.strip()]
    return {name: (None if value == "" and name not in ("address", "area", "description") else value)
            for name, value in given.items()}


async def _posted(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's values, custom fields included, and the inputs that could not be read."""
    values = _form_values(await request.form())
    values["custom"], errors = await custom_inputs(request, KIND_KEY)
    return values, errors


async def _form_context(principal: Principal, values: dict[str, Any]) -> dict[str, Any]:
    owner_id = values.get("owner_contact_id")
    owner = (await get_records(principal, "contact", [owner_id])).get(owner_id) if owner_id else None
    # The custom_input macro reads ``custom.<key>`` entries.
    values = values | {f"custom.{key}": value for key, value in (values.get("custom") or {}).items()}
    return {"values": values, "owner": owner, "custom_fields": list((await field_definitions(KIND_KEY)).values()), "type_choices": [(key, key.capitalize()) for key in TYPES],
            "statuses": STATUS_LABELS,
            "agents": [(user["id"], user["display_name"]) for user in await list_users()]}


@get("/", name="realestate-index", include_in_schema=False)
async def index_page(request: Request, principal: CurrentPrincipal, cursor: FromQuery[str | None] = None) -> Response:
    """The listings you may see, filtered, newest first, a page at a time."""
    chosen = {name: request.query_params.get(name) or None for name in FILTERS}
    try:
        filters = properties.Filters(**chosen)
        rows, next_cursor = await properties.list_properties(principal, filters, cursor=cursor)
        errors: dict[str, str] = {}
    except Invalid as error:
        rows, next_cursor, errors = [], None, error.errors
    query = "&".join(f"{name}={value}" for name, value in chosen.items() if value)
    return render_page(
        request, "realestate/index.html", status_code=422 if errors else 200, rows=rows,
        names=await properties.names(principal, rows), chosen=chosen, errors=errors, next_cursor=next_cursor,
        query=query, types=TYPES, statuses=STATUS_LABELS,
    )


@get("/properties/new", name="realestate-new", include_in_schema=False)
async def new_page(request: Request, principal: CurrentPrincipal) -> Response:
    values = {"type": "house", "status": "for_sale", "currency": "EUR", "agent": principal.id}
    return render_page(request, "realestate/form.html", listing=None, errors={},
                       **await _form_context(principal, values))


@post("/properties", name="realestate-create", include_in_schema=False)
async def create_page(request: Request, principal: CurrentPrincipal) -> Response:
    values, errors = await _posted(request)
    try:
        if errors:
            raise Invalid(errors)
        property_id = await create_record(principal, KIND_KEY, values)
    except Invalid as error:
        return render_page(request, "realestate/form.html", status_code=422, listing=None, errors=error.errors,
                           **await _form_context(principal, values))
    return Redirect(f"/realestate/properties/{property_id}", status_code=303)


@get("/properties/{property_id:int}", name="realestate-property", include_in_schema=False)
async def property_page(request: Request, principal: CurrentPrincipal, property_id: FromPath[int]) -> Response:
    """One listing: 404 when it does not exist, 403 when it is hidden."""
    return await _property_response(request, principal, property_id)


async def _property_response(request: Request, principal: Principal, property_id: int,
                             errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    listing = await get_record(principal, KIND_KEY, property_id)
    found_offers = await offers.for_property(principal, property_id)
    buyers, _ = await matching.buyers_for(principal, property_id)
    timeline, _ = await record_timeline(principal, KIND_KEY, property_id, limit=20)
    names = await properties.names(principal, [listing])
    offer_buyers = await get_records(principal, "contact", sorted(
        {row["buyer_contact_id"] for row in found_offers if row["buyer_contact_id"] is not None}))
    return render_page(
        request, "realestate/property.html", status_code=status_code, listing=listing, offers=found_offers,
        offer_buyers=offer_buyers, buyers=buyers, timeline=timeline, names=names, errors=errors or {},
        statuses=STATUS_LABELS, offer_statuses=offers.STATUSES, deals=await deals.linked(principal, property_id),
    )


@get("/properties/{property_id:int}/edit", name="realestate-edit", include_in_schema=False)
async def edit_page(request: Request, principal: CurrentPrincipal, property_id: FromPath[int]) -> Response:
    listing = await get_record(principal, KIND_KEY, property_id, "write")
    values = dict(listing) | {"photos": listing["photos"]}
    return render_page(request, "realestate/form.html", listing=listing, errors={},
                       **await _form_context(principal, values))


@post("/properties/{property_id:int}", name="realestate-update", include_in_schema=False)
async def update_page(request: Request, principal: CurrentPrincipal, property_id: FromPath[int]) -> Response:
    listing = await get_record(principal, KIND_KEY, property_id, "write")
    values, errors = await _posted(request)
    try:
        if errors:
            raise Invalid(errors)
        await update_record(principal, KIND_KEY, property_id, values)
    except Invalid as error:
        return render_page(request, "realestate/form.html", status_code=422, listing=listing, errors=error.errors,
                           **await _form_context(principal, values))
    return Redirect(f"/realestate/properties/{property_id}", status_code=303)


@post("/properties/{property_id:int}/delete", name="realestate-delete", include_in_schema=False)
async def delete_page(request: Request, principal: CurrentPrincipal, property_id: FromPath[int]) -> Response:
    listing = await get_record(principal, KIND_KEY, property_id, "delete")
    offer_undo(request, await delete_record(principal, KIND_KEY, property_id), f"Deleted {listing['address']}.")
    return Redirect("/realestate/", status_code=303)


@post("/properties/{property_id:int}/offers", name="realestate-offer", include_in_schema=False)
async def offer_page(request: Request, principal: CurrentPrincipal, property_id: FromPath[int]) -> Response:
    form = await request.form()
    await get_record(principal, KIND_KEY, property_id)
    values = {"property_id": property_id, "amount": (form.get("amount") or "").strip() or None,
              "currency": (form.get("currency") or "EUR").strip(), "conditions": form.get("conditions") or "",
              "status": form.get("status") or "made", "buyer_contact_id": _picked(form.get("buyer_pick"))}
    try:
        await create_record(principal, offers.KIND_KEY, values)
    except Invalid as error:
        return await _property_response(request, principal, property_id, error.errors, 422)
    return Redirect(f"/realestate/properties/{property_id}", status_code=303)


@post("/properties/{property_id:int}/showings", name="realestate-showing", include_in_schema=False)
async def showing_page(request: Request, principal: CurrentPrincipal, property_id: FromPath[int]) -> Response:
    """A showing: an activity on the property's timeline and on the visitor's."""
    form = await request.form()
    listing = await get_record(principal, KIND_KEY, property_id)
    visitor = _picked(form.get("visitor_pick"))
    links = [{"record_type": KIND_KEY, "record_id": property_id}]
    if visitor is not None:
        links.append({"record_type": "contact", "record_id": visitor})
    raw_when = (form.get("occurred_at") or "").strip()
    try:
        when = dt.datetime.fromisoformat(raw_when).replace(tzinfo=dt.UTC) if raw_when else None
    except ValueError:
        return await _property_response(request, principal, property_id,
                                        {"occurred_at": "must be a date and time"}, 422)
    try:
        await log_activity(principal, msgspec.convert({
            "type": SHOWING, "subject": f"Showing of {listing['address']}", "body": form.get("notes") or "",
            "links": links, "occurred_at": when,
        }, ActivityIn))
    except Invalid as error:
        return await _property_response(request, principal, property_id, error.errors, 422)
    return Redirect(f"/realestate/properties/{property_id}", status_code=303)


@get("/offers/{offer_id:int}", name="realestate-offer-page", include_in_schema=False)
async def offer_redirect(principal: CurrentPrincipal, offer_id: FromPath[int]) -> Response:
    """An offer is shown on its property's page (where links to the offer lead)."""
    offer = await get_record(principal, offers.KIND_KEY, offer_id)
    return Redirect(f"/realestate/properties/{offer['property_id']}", status_code=303)


async def contact_panels(contact_id: int, principal: Principal) -> list[Panel]:
    """On a contact's page: the listings that fit them (with the reasons), and those they own."""
    wanted, matches, _ = await matching.listings_for(principal, contact_id, limit=10)
    owned, _ = await properties.list_properties(principal, properties.Filters(owner_contact_id=contact_id), limit=10)
    panels = [Panel("realestate-owned", "Properties owned", template="realestate/owned_panel.html",
                    context={"rows": owned, "statuses": STATUS_LABELS})] if owned else []
    if wanted is not None:
        panels.insert(0, Panel("realestate-matches", "Matching listings", template="realestate/matches_panel.html",
                               context={"rows": matches, "statuses": STATUS_LABELS}))
    return panels


async def deal_panels(deal_id: int, principal: Principal) -> list[Panel]:
    """On a deal's page (with sales): the properties it is about."""
    rows = await deals.properties_of_deal(principal, deal_id)
    if not rows:
        return []
    return [Panel("realestate-deal-properties", "Properties", template="realestate/owned_panel.html",
                  context={"rows": rows, "statuses": STATUS_LABELS})]


HANDLERS = [index_page, new_page, create_page, property_page, edit_page, update_page, delete_page, offer_page,
            showing_page, offer_redirect]
