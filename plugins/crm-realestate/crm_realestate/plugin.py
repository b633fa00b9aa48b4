"""The hook implementations of the ``realestate`` plugin: what it registers (a record kind, its
tables, routes, a setting and a permission), and how it joins the contact pages. Global search
finds its items without a hook of its own: the record kind has a page (``url``)."""

from __future__ import annotations

from pathlib import Path

from crm_hookspecs import (
    DatabaseApp,
    Event,
    NavItem,
    Panel,
    Permission,
    PluginInfo,
    Principal,
    RecordKind,
    Routes,
    Setting,
    TemplateDir,
    hookimpl,
)
from crm_hookspecs.events import RecordDeleted

from crm_realestate import api, items, web

HERE = Path(__file__).parent


@hookimpl
def crm_plugin_info() -> PluginInfo:
    return PluginInfo(label=items.LABEL, description="Items of its own, on a page, an API and contact pages.")


@hookimpl
def crm_database_apps() -> list[DatabaseApp]:
    return [DatabaseApp("crm_realestate.piccolo_app")]


@hookimpl
def crm_record_kinds() -> list[RecordKind]:
    return [items.KIND]


@hookimpl
def crm_api_routes() -> list[Routes]:
    return [Routes(tuple(api.HANDLERS))]


@hookimpl
def crm_web_routes() -> list[Routes]:
    return [Routes(tuple(web.HANDLERS))]


@hookimpl
def crm_template_dirs() -> list[TemplateDir]:
    return [TemplateDir(str(HERE / "templates"))]


@hookimpl
def crm_nav_items() -> list[NavItem]:
    return [NavItem(key="realestate", label=items.LABEL, href="/realestate/", order=60)]


@hookimpl
def crm_settings() -> list[Setting]:
    return [Setting("page_title", "Heading of the page", default=items.LABEL)]


@hookimpl
def crm_permissions() -> list[Permission]:
    return [items.CREATE]


@hookimpl
async def crm_record_panels(record_type: str, record_id: int, principal: Principal) -> list[Panel] | None:
    if record_type != "contact":
        return None
    return [await web.contact_panel(record_id, principal)]


@hookimpl
async def crm_event(event: Event) -> None:
    """A deleted contact leaves the items about it about nobody, rather than naming a contact
    that is gone."""
    if isinstance(event, RecordDeleted) and event.kind == "contact":
        await items.forget_contact(event.record_id)
