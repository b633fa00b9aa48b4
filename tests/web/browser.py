"""Driving Chromium in the browser tests: pages, signing in, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 780}


class Server:
    """The served app's address and the ids the seed wrote down."""

    def __init__(self, url: str, facts: dict[str, Any]) -> None:
        self.url = url
        self.facts = facts


def new_page(browser: Any, server: Server, viewport: dict[str, int] = DESKTOP) -> Any:
    context = browser.new_context(viewport=viewport, base_url=server.url, color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar belongs at the top of the picture
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
