"""Rendering pages with the theme-aware Jinja environment.

Templates are looked up in this order: the instance's override folder, the theme (child,
then parent), the plugins' template folders, the core. ``core:``, ``theme:`` and
``<plugin slug>:`` prefixes name one source, so an override can extend what it replaces
(``{% extends "core:base.html" %}``).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from litestar import MediaType, Request, Response
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from crm_platform import runtime
from crm_platform.regional import preferences as regional
from crm_platform.web import filters, themes
from crm_platform.web.undo import take_undo

CORE_TEMPLATES = Path(__file__).parent / "templates"
CSRF_FIELD = "_csrf_token"
CSRF_HEADER = "x-csrftoken"
SESSION_THEME_KEY = "theme"
SESSION_SCHEME_KEY = "scheme"
SCHEMES = ("auto", "light", "dark")
TIME_ZONE_COOKIE = "crm_tz"
UTC_ZONE = ZoneInfo("UTC")
# User agents of systems whose keyboards have a Command key.
APPLE_PLATFORMS = ("Macintosh", "Mac OS X", "iPhone", "iPad")
# Where the unread notification count waits for the top bar (set by ``web.notifications``).
UNREAD_SCOPE_KEY = "crm.unread_notifications"


def _folder(path: Path | str) -> FileSystemLoader:
    return FileSystemLoader(str(path))


def _loader(theme_name: str) -> BaseLoader:
    rt = runtime.current()
    theme_chain = themes.chain(theme_name)
    plugin_dirs = [(owned.slug, owned.item.path) for owned in rt.host.owned("crm_template_dirs", include_disabled=True)]
    sources: list[BaseLoader] = []
    if rt.settings.templates_dir:
        sources.append(_folder(rt.settings.templates_dir))
    sources += [_folder(theme.templates) for theme in theme_chain]
    sources += [_folder(path) for _, path in plugin_dirs]
    sources.append(_folder(CORE_TEMPLATES))
    prefixes: dict[str, BaseLoader] = {slug: _folder(path) for slug, path in plugin_dirs}
    prefixes["core"] = _folder(CORE_TEMPLATES)
    prefixes["theme"] = ChoiceLoader([_folder(theme.templates) for theme in theme_chain])
    return ChoiceLoader([PrefixLoader(prefixes, delimiter=":"), *sources])


@lru_cache(maxsize=16)
def _environment(theme_name: str, host_serial: int) -> Environment:
    environment = Environment(
        loader=_loader(theme_name),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship in packages; checking their files on every render only costs time.
        auto_reload=runtime.current().settings.debug,
    )
    filters.install(environment)
    return environment


def environment(theme_name: str) -> Environment:
    # Keyed by the host too: tests build several apps, each with its own plugins (and so its
    # own template folders). Not by id(host): a later host can be given a dead one's id.
    return _environment(themes.resolve(theme_name), runtime.current().host.serial)


def csrf_token(request: Request) -> str:
    token = ScopeState.from_scope(request.scope).csrf_token
    return token if isinstance(token, str) else ""


def theme_of(request: Request) -> str:
    session = request.scope.get("session") or {}
    return themes.resolve(session.get(SESSION_THEME_KEY), runtime.current().settings.theme)


def zone_of(request: Request) -> ZoneInfo:
    """The time zone the user chose, else the instance's, else the browser's (``crm.js`` keeps
    it in a cookie); UTC until one is known."""
    name = regional.current().time_zone or unquote(request.cookies.get(TIME_ZONE_COOKIE, ""))[:60]
    try:
        return ZoneInfo(name) if name else UTC_ZONE
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def scheme_of(request: Request) -> str:
    session = request.scope.get("session") or {}
    scheme = session.get(SESSION_SCHEME_KEY)
    return scheme if scheme in SCHEMES else "auto"


def search_shortcut_of(request: Request) -> str:
    """How the search shortcut is written on the user's keyboard: ⌘K on Apple's systems,
    Ctrl K everywhere else."""
    agent = request.headers.get("user-agent", "")
    return "⌘K" if any(name in agent for name in APPLE_PLATFORMS) else "Ctrl K"


def _nav_items(request: Request) -> list[Any]:
    principal = request.scope.get("user")
    if principal is None:
        return []
    items = runtime.current().host.items("crm_nav_items")
    return sorted((item for item in items if principal.role in item.roles), key=lambda item: (item.order, item.label))


def _stylesheets(theme_name: str) -> list[str]:
    sheets = ["/static/core/crm.css"]
    for theme in reversed(themes.chain(theme_name)):
        if (theme.static / "theme.css").is_file():
            sheets.append(f"/static/themes/{theme.name}/theme.css")
    return sheets


def page_context(request: Request) -> dict[str, Any]:
    """What every page's layout needs: the user, the navigation, the theme, CSRF, the
    unread notification count (``None`` where it was not read: fragments, error pages) and
    the undo toast a delete left."""
    token = csrf_token(request)
    theme_name = theme_of(request)

    def csrf_input() -> Markup:
        return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, token)

    return {
        "request": request,
        "principal": request.scope.get("user"),
        "nav_items": _nav_items(request),
        "unread_notifications": request.scope.get(UNREAD_SCOPE_KEY),
        "current_path": request.url.path,
        "theme_name": theme_name,
        "scheme": scheme_of(request),
        "stylesheets": _stylesheets(theme_name),
        "csrf_token": token,
        "zone": zone_of(request),
        "regional": regional.current(),
        "csrf_input": csrf_input,
        "hx_headers": json.dumps({CSRF_HEADER: token}),
        "search_shortcut": search_shortcut_of(request),
        "undo": take_undo(request) if request.scope.get("user") else None,
    }


def render(request: Request, template_name: str, **context: Any) -> str:
    template = environment(theme_of(request)).get_template(template_name)
    return template.render(page_context(request) | context)


def render_page(request: Request, template_name: str, *, status_code: int = 200, **context: Any) -> Response:
    """A full HTML page in the user's theme. The template extends ``base.html`` and fills the
    blocks ``title`` and ``content`` (and ``head`` for extra stylesheets); it receives
    ``principal``, ``request`` and ``csrf_input()`` besides ``context``.

    Example, in a plugin's ``crm_web_routes`` handler::

        @get("/")
        async def board(request: Request, principal: CurrentPrincipal) -> Response:
            return render_page(request, "sales/board.html", deals=await open_deals(principal))
    """
    return Response(render(request, template_name, **context), status_code=status_code, media_type=MediaType.HTML)


def render_fragment(request: Request, template_name: str, *, status_code: int = 200, **context: Any) -> Response:
    """A piece of HTML for htmx to swap in: the same environment and context, no layout.
    htmx swaps 2xx answers and 422 (a form with its errors), so answer a rejected form with
    ``status_code=422``."""
    return render_page(request, template_name, status_code=status_code, **context)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
