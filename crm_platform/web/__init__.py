"""The web UI: server-rendered pages with htmx, themed, extended by plugins through slots.

:func:`setup` gives the composition root everything the UI adds to the app: page routes,
static files, the session store and the middleware (sessions, CSRF, security headers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store

from crm_platform.config import Settings
from crm_platform.instance.plugins import enabled_guard
from crm_platform.web import errors, security, themes
from crm_platform.web.ratelimit import make_limiter

STATIC_CORE = Path(__file__).parent / "static"
_STATIC_CACHE = CacheControlHeader(max_age=3600, public=True)


@dataclass
class WebSetup:
    route_handlers: list[Any] = field(default_factory=list)
    middleware: list[Any] = field(default_factory=list)
    # Inside authentication: middleware that needs the signed-in user.
    signed_in_middleware: list[Any] = field(default_factory=list)
    stores: dict[str, Store] = field(default_factory=dict)


def _static_routers(host: Any) -> list[Any]:
    routers = [
        create_static_files_router("/static/core", [STATIC_CORE], name="static-core", cache_control=_STATIC_CACHE)
    ]
    for name, theme in themes.available().items():
        if theme.static.is_dir():
            routers.append(create_static_files_router(
                f"/static/themes/{name}", [theme.static], name=f"static-theme-{name}", cache_control=_STATIC_CACHE
            ))
    for owned in host.owned("crm_static_dirs", include_disabled=True):
        routers.append(create_static_files_router(
            f"/static/{owned.slug}", [owned.item.path], name=f"static-{owned.slug}", cache_control=_STATIC_CACHE,
            guards=[enabled_guard(owned.slug)],
        ))
    return routers


def page_handlers(config: Settings) -> list[Any]:
    from crm_platform.web import (
        activity_edit,
        bulk,
        calendar_page,
        companies,
        companies_bulk,
        contact_page,
        contacts,
        dashboards_page,
        home,
        imports,
        merges,
        notifications,
        reports_page,
        search,
        settings,
        settings_users,
        tasks_page,
        trash,
        webapp,
    )

    return [*home.HANDLERS, *contacts.HANDLERS, *contact_page.HANDLERS, *companies.HANDLERS, *companies_bulk.HANDLERS, *search.HANDLERS,
            *settings.HANDLERS, *settings_users.HANDLERS, *notifications.HANDLERS, *webapp.HANDLERS,
            *imports.handlers(config.import_max_bytes), *trash.HANDLERS, *activity_edit.HANDLERS, *tasks_page.HANDLERS,
            *calendar_page.HANDLERS, *merges.HANDLERS, *reports_page.HANDLERS,
            *dashboards_page.HANDLERS, *bulk.HANDLERS]


def setup(settings: Settings, host: Any) -> WebSetup:
    from crm_platform.web.account import account_handlers
    from crm_platform.web.auth import LoginLimits, login_handlers
    from crm_platform.web.notifications import UnreadCount
    from crm_platform.web.preferences_page import preferences_handlers

    limits = LoginLimits(
        per_address_and_email=make_limiter(settings.redis_url, settings.login_attempts_per_minute),
        per_address=make_limiter(settings.redis_url, settings.login_attempts_per_address_per_minute,
                                 name="login-failures-address"),
        per_account=make_limiter(settings.redis_url, settings.account_lock_failures,
                                 settings.account_lock_minutes * 60, name="login-failures-account"),
    )
    return WebSetup(
        route_handlers=[*login_handlers(limits), *account_handlers(), *preferences_handlers(), *page_handlers(settings),
                        *_static_routers(host)],
        middleware=security.middleware(settings),
        signed_in_middleware=[UnreadCount()],
        stores={security.SESSION_STORE: security.session_store(settings)},
    )


__all__ = ["WebSetup", "errors", "setup"]
