"""``/api/v1/search``: one box for contacts, companies and plugins' records."""

from __future__ import annotations

from typing import Annotated

import msgspec
from crm_hookspecs import SearchResult
from litestar import get
from litestar.params import Parameter

from crm_platform import runtime
from crm_platform.search import index
from crm_platform.users.auth import CurrentPrincipal

HREFS = {"contact": "/contacts/{id}", "company": "/companies/{id}"}


class SearchItem(msgspec.Struct):
    kind: str
    id: int | str
    title: str
    subtitle: str
    href: str


class SearchResults(msgspec.Struct):
    items: list[SearchItem]


@get("/api/v1/search", tags=["search"])
async def search(
    principal: CurrentPrincipal,
    q: Annotated[
        str, Parameter(max_length=200, description="words to match by prefix; a phone in any format")
    ] = "",
    limit: Annotated[int, Parameter(ge=1, le=50)] = 20,
) -> SearchResults:
    """Contacts and companies you may see whose names, emails, phones or domains start with
    every word typed, then plugins' hits; at most ``limit`` in all."""
    if not q.strip():
        return SearchResults(items=[])
    items = [
        SearchItem(
            hit.kind, hit.record_id, hit.title, hit.subtitle, HREFS.get(hit.kind, "").format(id=hit.record_id)
        )
        # Plugins keep their own entries in the index too, and answer for them (with their
        # links, and only while enabled) through crm_search.
        for hit in await index.search(principal, q, limit, kinds=tuple(HREFS))
    ]
    found = await runtime.current().host.call("crm_search", query=q, principal=principal, limit=limit)
    items += [
        SearchItem(result.kind, result.id, result.title, result.subtitle, result.href)
        for result in found
        if isinstance(result, SearchResult)
    ]
    return SearchResults(items=items[:limit])
