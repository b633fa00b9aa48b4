"""Bulk actions on the companies list: the selected rows or every company the filters match,
change of owner or tags and delete (undone from the toast), through the bulk service."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from crm_hookspecs import Principal
from litestar import Request, Response, get, post

from crm_platform.bulk import service as bulk_service
from crm_platform.companies import listing
from crm_platform.companies import service as companies
from crm_platform.db.raw import fetch
from crm_platform.errors import Invalid
from crm_platform.records import pipeline
from crm_platform.search import index as search_index
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web import bulk as web_bulk
from crm_platform.web import forms
from crm_platform.web.companies import FILTER_KEYS, _list_page, _query, _rows, company_filters

BULK_ACTIONS = {"assign": "owner", "tag": "tag", "delete": "delete"}
BULK_MAX = 200_000


def _matching_query(text: str) -> dict[str, str]:
    return {key: value for key, value in parse_qsl(text) if key in FILTER_KEYS and value}


async def _matching_ids(principal: Principal, query: dict[str, str]) -> list[int]:
    if query.get("q"):
        return [row["id"] for row in (await _rows(principal, query, None))[0]]
    where = await listing.company_where(principal, company_filters(query))
    rows = await fetch(f"SELECT id FROM crm_company {where.clause} ORDER BY id LIMIT {BULK_MAX}", *where.args)
    return [row["id"] for row in rows]


@get("/companies/matching", include_in_schema=False)
async def matching_label(request: Request, principal: CurrentPrincipal) -> Response:
    """The "select all N matching" label, counted only when the bulk bar shows."""
    query = _query(request)
    if query.get("q"):
        hits = await search_index.search(principal, query["q"], 100, kinds=("company",))
        count = len(hits)
    else:
        where = await listing.company_where(principal, company_filters(query))
        count = int((await fetch(f"SELECT COUNT(*) AS n FROM crm_company {where.clause}", *where.args))[0]["n"])
    return Response(f"Select all {count:,} matching", media_type="text/plain")


@post("/companies/bulk", include_in_schema=False)
async def bulk_action(request: Request, principal: CurrentPrincipal) -> Response:
    values = await forms.form_data(request)
    action = forms.text(values, "action")
    back = forms.text(values, "back") or "/companies"
    back = back if back.startswith("/companies") else "/companies"
    owner = forms.text(values, "owner_id")
    params: dict[str, Any] = {"owner_id": int(owner) if owner.isdecimal() else None, "tag": forms.text(values, "tag", 100)}
    try:
        if action not in BULK_ACTIONS:
            raise Invalid({"action": "choose add tag, assign or delete"})
        bulk_service.check(companies.RECORD_TYPE, BULK_ACTIONS[action], params)
        if forms.text(values, "scope") == "matching":
            ids = await _matching_ids(principal, _matching_query(forms.text(values, "matching", 4000)))
        else:
            wanted = [int(value) for value in forms.listed(values, "ids") if value.isdecimal()][:1000]
            visible = await pipeline.read_many(principal, companies.RECORD_TYPE, wanted)
            ids = [i for i in wanted if i in visible]
        return await web_bulk.run(request, principal, companies.RECORD_TYPE, ids, BULK_ACTIONS[action], params, back)
    except Invalid as exc:
        query = _matching_query(back.partition("?")[2])
        rows, _ = await _rows(principal, query, None)
        return await _list_page(request, query, rows, None, forms.field_errors(exc), "bulk")


HANDLERS = [matching_label, bulk_action]
