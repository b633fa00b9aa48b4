"""The pages under ``/realestate/``, and the panel on contact pages."""

from __future__ import annotations

import html

from crm_hookspecs import Panel, Principal
from crm_platform.toolkit import CurrentPrincipal, get_record, get_records, render_page, setting
from litestar import Request, Response, get
from litestar.params import FromPath

from crm_realestate import items

PANEL_LIMIT = 10


@get("/", name="realestate-index", include_in_schema=False)
async def index_page(request: Request, principal: CurrentPrincipal) -> Response:
    """The items you may see, newest first."""
    rows, _ = await items.list_items(principal)
    return render_page(
        request, "realestate/index.html", page_title=await setting(items.SLUG, "page_title"), items=rows
    )


@get("/{item_id:int}", name="realestate-item", include_in_schema=False)
async def item_page(request: Request, principal: CurrentPrincipal, item_id: FromPath[int]) -> Response:
    """One item, the page search results link to: 404 when it does not exist, 403 when it is hidden."""
    item = await get_record(principal, items.KIND_KEY, item_id)
    contact = None
    if item["contact_id"] is not None:
        contact = (await get_records(principal, "contact", [item["contact_id"]])).get(item["contact_id"])
    return render_page(request, "realestate/item.html", item=item, contact=contact)


async def contact_panel(contact_id: int, principal: Principal) -> Panel:
    """The items about one contact. A panel's HTML must be escaped already."""
    found, _ = await items.list_items(principal, contact_id=contact_id, limit=PANEL_LIMIT)
    rows = "".join(f'<li><a href="/realestate/{item["id"]}">{html.escape(item["title"])}</a></li>' for item in found)
    body = f'<ul class="realestate-panel">{rows}</ul>' if found else f"<p>No {html.escape(items.LABEL)} items yet.</p>"
    return Panel(key="realestate-items", title=items.LABEL, html=body)


HANDLERS = [index_page, item_page]
