"""``/api/v1/search``: one box for contacts, companies and plugins' records."""

from __future__ import annotations

from typing import Annotated

import msgspec
from crm_hookspecs import Principal, SearchResult
from litestar import get
from litestar.params import Parameter

from crm_platform import runtime
from crm_platform.records import kinds
from crm_platform.search import index
from crm_platform.users.auth import CurrentPrincipal


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
    """Records of every kind you may see (contacts, companies, plugins' kinds such as
    ``sales.deal``) whose names, emails, phones or other indexed words start with every word
    typed, then plugins' own hits; at most ``limit`` in all."""
    if not q.strip():
        return SearchResults(items=[])
    items = await record_hits(principal, q, limit)
    found = await runtime.current().host.call(
        "crm_search", expect=SearchResult, query=q, principal=principal, limit=limit
    )
    items += [SearchItem(result.kind, result.id, result.title, result.subtitle, result.href) for result in found]
    return SearchResults(items=items[:limit])


async def record_hits(principal: Principal, text: str, limit: int) -> list[SearchItem]:
    """Hits among the records of every enabled kind that has a page, each linking to it."""
    active = kinds.active()
    with_pages = tuple(key for key, kind in active.items() if kind.url)
    return [
        SearchItem(hit.kind, hit.record_id, hit.title, hit.subtitle, kinds.page_url(active[hit.kind], hit.record_id))
        for hit in await index.search(principal, text, limit, kinds=with_pages)
    ]
