"""The web app: the core's and the plugins' routes, middleware and OpenAPI wired into one Litestar app."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from litestar import Litestar, Router
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from crm_platform import __version__, http_errors, runtime, web
from crm_platform._plugins import PluginHost
from crm_platform.activities.api import (
    ActivityController,
    company_timeline,
    contact_timeline,
    list_tasks,
    tasks_done,
    tasks_reschedule,
)
from crm_platform.audit.api import company_history, contact_history
from crm_platform.companies.api import CompanyController
from crm_platform.composition import PluginSpec, build_host, setup_runtime
from crm_platform.config import Settings
from crm_platform.contacts.api import ContactController
from crm_platform.db.engine import Engine, PostgresEngine
from crm_platform.instance import plugins as plugin_state
from crm_platform.instance.api import health, list_plugins
from crm_platform.instance.settings_api import HANDLERS as SETTINGS_HANDLERS
from crm_platform.merges.api import HANDLERS as MERGE_HANDLERS
from crm_platform.notifications.api import HANDLERS as NOTIFICATION_HANDLERS
from crm_platform.operations import api as operations
from crm_platform.operations.metrics import measure
from crm_platform.privacy.api import HANDLERS as PRIVACY_HANDLERS
from crm_platform.records.field_api import HANDLERS as FIELD_HANDLERS
from crm_platform.regional.api import HANDLERS as PREFERENCE_HANDLERS
from crm_platform.relationships.api import RelationshipController, contact_graph
from crm_platform.reports.api import HANDLERS as REPORT_HANDLERS
from crm_platform.search.api import search
from crm_platform.trash.api import TrashController
from crm_platform.users.api import HANDLERS as USER_HANDLERS
from crm_platform.users.auth import OPEN_PATHS, AuthMiddleware, provide_principal
from crm_platform.web import security
from crm_platform.web.requests import CrmRequest

log = logging.getLogger("crm")

# build_host and setup_runtime live in crm_platform.composition; they stay importable from here.
__all__ = ["CORE_API_HANDLERS", "PluginSpec", "build_host", "create_app", "plugin_routers", "setup_runtime"]

CORE_API_HANDLERS: list = [
    ContactController, CompanyController, RelationshipController, ActivityController, list_tasks, tasks_done,
    tasks_reschedule, search,
    contact_timeline, company_timeline, contact_graph, contact_history, company_history, list_plugins,
    *SETTINGS_HANDLERS, *PREFERENCE_HANDLERS, *NOTIFICATION_HANDLERS, TrashController, *USER_HANDLERS, *MERGE_HANDLERS,
    *REPORT_HANDLERS, *PRIVACY_HANDLERS, *FIELD_HANDLERS,
]


def plugin_routers(host: PluginHost) -> list[Router]:
    """Every loaded plugin's routes, answering 404 while the plugin is disabled."""
    routers = []
    for hook, prefix in (("crm_api_routes", "/api/v1/{slug}"), ("crm_web_routes", "/{slug}")):
        for owned in host.owned(hook, include_disabled=True):
            routers.append(
                Router(
                    path=prefix.format(slug=owned.slug),
                    route_handlers=list(owned.item.handlers),
                    guards=[plugin_state.enabled_guard(owned.slug)],
                    tags=[owned.slug],
                    # Pages answer HTML (errors too), so they are no part of the API's schema.
                    include_in_schema=hook == "crm_api_routes",
                )
            )
    return routers


def create_app(
    settings: Settings | None = None,
    plugins: Iterable[PluginSpec] | None = None,
    engine: Engine | None = None,
    *,
    extra_route_handlers: Iterable = (),
) -> Litestar:
    rt = setup_runtime(settings, plugins, engine)
    explicit = None if plugins is None else {spec[0] if isinstance(spec, tuple) else spec for spec in plugins}

    async def on_startup() -> None:
        runtime.install(rt)
        if isinstance(rt.engine, PostgresEngine):
            await rt.engine.start()
        await plugin_state.load(rt.host, explicit if explicit is not None else rt.settings.plugins_to_enable)

    async def on_shutdown() -> None:
        if isinstance(rt.engine, PostgresEngine):
            await rt.engine.stop()

    ui = web.setup(rt.settings, rt.host)
    app = Litestar(
        route_handlers=[
            health, operations.ready, operations.metrics, *CORE_API_HANDLERS, *plugin_routers(rt.host),
            *ui.route_handlers, *extra_route_handlers,
        ],
        dependencies={"principal": Provide(provide_principal, sync_to_thread=False)},
        # Sessions, CSRF and security headers wrap authentication, which reads the session.
        # Metrics and the request id wrap everything, so they see every answer.
        middleware=[
            measure,
            *ui.middleware, DefineMiddleware(AuthMiddleware, exclude=[
                *(security.path_pattern(path) for path in OPEN_PATHS),
                # A plugin's pages for people who do not sign in (a web form, a status page).
                *(f"^/{slug}/public/" for slug in rt.host.loaded),
            ]),
            *ui.signed_in_middleware,
        ],
        stores=ui.stores,
        request_class=CrmRequest,  # refuses JSON bodies nested too deeply to decode safely
        # Pages answer errors with HTML (and a sign-in redirect); the API keeps its JSON.
        exception_handlers=web.errors.wrap(http_errors.handlers()),
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        openapi_config=OpenAPIConfig(
            title="CRM platform API",
            use_handler_docstrings=True,
            version=__version__,
            path="/schema",
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}
            ),
            security=[{"bearer": []}],
        ),
        debug=rt.settings.debug,
        before_send=[security.harden_response],  # headers on every response, error pages too
    )
    security.trust_proxies(app, rt.settings)
    http_errors.document_api_errors(app)
    return app
