"""What makes the CRM installable on a phone's home screen: the web app manifest and the
favicon browsers ask for at the site's root. Both are open to everyone, like the sign-in page."""

from __future__ import annotations

import json

from litestar import Response, get
from litestar.datastructures import CacheControlHeader

from crm_platform.web.icons import PNG_SIZES, STATIC

# The top bar's colour, light and dark, for the browser's own bar (see base.html's theme-color).
THEME_COLOR = "#ffffff"
BACKGROUND_COLOR = "#f5f6f8"
_CACHE = CacheControlHeader(max_age=86400, public=True)

MANIFEST = {
    "name": "CRM",
    "short_name": "CRM",
    "description": "Contacts, companies, relationships and one shared timeline.",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "theme_color": THEME_COLOR,
    "background_color": BACKGROUND_COLOR,
    "icons": [
        {"src": "/static/core/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        *({"src": f"/static/core/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"} for size in PNG_SIZES),
    ],
}


@get("/manifest.webmanifest", include_in_schema=False, cache_control=_CACHE)
async def manifest() -> Response[bytes]:
    return Response(json.dumps(MANIFEST).encode(), media_type="application/manifest+json")


@get("/favicon.ico", include_in_schema=False, cache_control=_CACHE)
async def favicon() -> Response[bytes]:
    return Response((STATIC / "favicon.ico").read_bytes(), media_type="image/x-icon")


HANDLERS = [manifest, favicon]
