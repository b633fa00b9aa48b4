"""What a browser asks for besides the pages: the favicon, the web app manifest and its
icons (open to everyone, like the sign-in page), and the search shortcut as the user's
keyboard writes it."""

from __future__ import annotations

import json
import struct

import httpx
import pytest

from crm_platform.testing import client_for
from crm_platform.web import icons
from tests.web.helpers import sign_in

MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


async def test_the_favicon_is_an_icon_file_for_anyone(crm_anonymous_client) -> None:
    response = await crm_anonymous_client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    reserved, kind, count = struct.unpack("<HHH", response.content[:6])
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))


async def test_the_manifest_names_the_app_and_its_icons(crm_anonymous_client) -> None:
    response = await crm_anonymous_client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "CRM" and manifest["start_url"] == "/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in manifest["icons"]:
        served = await crm_anonymous_client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        assert served.headers["content-type"].startswith(icon["type"])
        if icon["type"] == "image/png":
            assert served.content[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", served.content[16:24])
            assert f"{width}x{height}" == icon["sizes"]


def test_the_committed_png_icons_are_the_ones_the_drawing_makes() -> None:
    # The small icons only: drawing the 512 px one in pure Python takes several seconds.
    for size in (180, 192):
        assert (icons.STATIC / f"icon-{size}.png").read_bytes() == icons.png(size)
    assert (icons.STATIC / "icon.svg").read_text() == icons.svg()
    assert (icons.STATIC / "favicon.ico").read_bytes() == icons.ico()


async def test_pages_link_the_manifest_icons_and_theme_colour(crm_anonymous_client) -> None:
    page = (await crm_anonymous_client.get("/login")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="icon" href="/favicon.ico"' in page and 'rel="apple-touch-icon"' in page
    assert '<meta name="theme-color"' in page


@pytest.fixture
async def signed_in(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


@pytest.mark.parametrize(("agent", "label"), [(MAC, "⌘K"), (IPHONE, "⌘K"), (WINDOWS, "Ctrl K"), (LINUX, "Ctrl K"),
                                              ("", "Ctrl K")])
async def test_the_search_button_shows_the_shortcut_of_the_users_keyboard(signed_in, agent: str, label: str) -> None:
    page = (await signed_in.get("/", headers={"user-agent": agent})).text
    assert f'<kbd class="kbd">{label}</kbd>' in page
    other = "Ctrl K" if label == "⌘K" else "⌘K"
    assert f'<kbd class="kbd">{other}</kbd>' not in page
