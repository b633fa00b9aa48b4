"""What plugins put on core pages: panels, tabs and actions on record pages, widgets on the home page.

A panel or widget comes as escaped ``html`` or as a ``template`` of the plugin's with its
``context``; templates are rendered here, in the user's theme with autoescaping and the
page's context (``principal``, ``request``, ``csrf_input()``), so the page's templates only
ever see HTML. A plugin whose slot cannot be rendered is logged and its slot left out: one
broken plugin never breaks a core page.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import DashboardWidget, Panel, Principal, RecordAction, RecordTab
from litestar import Request

from crm_platform import runtime
from crm_platform._plugins.manager import Owned
from crm_platform.web.rendering import render

log = logging.getLogger("crm.plugins")

@dataclass
class Slots:
    panels: list[Panel]
    tabs: list[RecordTab]
    actions: list[RecordAction]


def _as_html(request: Request, hook: str, owned: Owned) -> Any | None:
    """``owned.item`` with its template rendered into ``html``, or None if rendering failed."""
    block = owned.item
    if not block.template:
        return block
    try:
        html = render(request, block.template, **dict(block.context))
    except Exception:
        log.exception("plugin %s: the template %r of %s %r could not be rendered; it is left out",
                      owned.slug, block.template, hook, block.key)
        return None
    return dataclasses.replace(block, html=html, template="", context={})


def _rendered(request: Request, hook: str, found: list[Owned]) -> list[Any]:
    blocks = (_as_html(request, hook, owned) for owned in found)
    return [block for block in blocks if block is not None]


async def record_slots(request: Request, record_type: str, record_id: int, principal: Principal) -> Slots:
    """The panels (rendered), tabs and actions plugins add to one record's page, in order."""
    host = runtime.current().host
    arguments = {"record_type": record_type, "record_id": record_id, "principal": principal, "request": request}

    async def call(hook: str, expect: type) -> list[Owned]:
        return await host.call_owned(hook, expect=expect, **arguments)

    panels = _rendered(request, "crm_record_panels", await call("crm_record_panels", Panel))
    tabs = [owned.item for owned in await call("crm_record_tabs", RecordTab)]
    actions = [owned.item for owned in await call("crm_record_actions", RecordAction)]
    return Slots(
        panels=sorted(panels, key=lambda item: (item.order, item.title)),
        tabs=sorted(tabs, key=lambda item: (item.order, item.title)),
        actions=sorted(actions, key=lambda item: (item.order, item.label)),
    )


async def dashboard_widgets(request: Request, principal: Principal) -> list[DashboardWidget]:
    """The widgets plugins add to the home page, rendered, in order."""
    found = await runtime.current().host.call_owned(
        "crm_dashboard_widgets", expect=DashboardWidget, principal=principal, request=request
    )
    widgets = _rendered(request, "crm_dashboard_widgets", found)
    return sorted(widgets, key=lambda item: (item.order, item.title))
