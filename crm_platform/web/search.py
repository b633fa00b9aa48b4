"""Global search (Ctrl/Cmd-K) over contacts, companies and plugins' records, and the record
picker that forms use to choose a contact or a company."""

from __future__ import annotations

import re
from typing import Any

from crm_hookspecs import Principal, SearchResult
from litestar import Request, Response, get
from litestar.params import FromQuery

from crm_platform import runtime
from crm_platform.errors import Invalid
from crm_platform.records import kinds
from crm_platform.search import index
from crm_platform.search.api import record_hits
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web.rendering import is_htmx, render_fragment, render_page

LIMIT = 20


async def _results(principal: Principal, text: str) -> list[dict[str, Any]]:
    if not text.strip():
        return []
    labels = {key: kind.label for key, kind in kinds.active().items()}
    found = [
        {"kind": hit.kind, "label": labels.get(hit.kind, hit.kind), "title": hit.title, "subtitle": hit.subtitle,
         "href": hit.href}
        for hit in await record_hits(principal, text, LIMIT)
    ]
    found_by_plugins = await runtime.current().host.call(
        "crm_search", expect=SearchResult, query=text, principal=principal, limit=LIMIT
    )
    for result in found_by_plugins:
        if result.href.startswith("/"):
            found.append({"kind": result.kind, "label": result.kind.replace("_", " ").capitalize(),
                          "title": result.title, "subtitle": result.subtitle, "href": result.href})
    return found[:LIMIT]


@get("/search", include_in_schema=False)
async def search_page(request: Request, principal: CurrentPrincipal, q: FromQuery[str] = "") -> Response:
    q = q[:200]
    results = await _results(principal, q)
    if is_htmx(request):
        return render_fragment(request, "search/_results.html", results=results, q=q)
    return render_page(request, "search/page.html", results=results, q=q)


PICK_KINDS = ("contact", "company")
# A form field name: what the picked value is submitted as.
PICK_NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


@get("/search/pick", include_in_schema=False)
async def pick(
    request: Request,
    principal: CurrentPrincipal,
    target_q: FromQuery[str] = "",
    exclude: FromQuery[str] = "",
    kind: FromQuery[str] = "",
    name: FromQuery[str] = "target",
    multiple: FromQuery[bool] = False,
) -> Response:
    """Radio buttons (checkboxes with ``multiple``) named ``name`` for the contacts and
    companies matching what was typed, or only those of ``kind``; each value is ``kind:id``."""
    if kind and kind not in PICK_KINDS:
        raise Invalid({"kind": f"must be one of {', '.join(PICK_KINDS)}"})
    if not PICK_NAME.match(name):
        raise Invalid({"name": "must be lower-case letters, digits and _"})
    wanted = (kind,) if kind else PICK_KINDS
    hits = await index.search(principal, target_q[:200], 8, kinds=wanted) if target_q.strip() else []
    choices = [hit for hit in hits if f"{hit.kind}:{hit.record_id}" != exclude]
    return render_fragment(
        request, "search/_pick.html", choices=choices, name=name, multiple=multiple,
        labels={key: kind.label for key, kind in kinds.active().items()},
    )


HANDLERS = [search_page, pick]
