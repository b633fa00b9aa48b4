"""Searching breaks none of the page's Content Security Policy: no inline style or script is
blocked (the browser reports each as a violation and a console error)."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import new_page, sign_in

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def _watched_page(browser, served_app):
    page = new_page(browser, served_app)
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return page, errors


def _violations(page, errors: list[str]) -> list[str]:
    reported = page.evaluate("window.cspViolations")
    return reported + [text for text in errors if "Content Security Policy" in text]


def test_the_search_journey_reports_no_csp_violation(browser, served_app) -> None:
    page, errors = _watched_page(browser, served_app)
    sign_in(page, "jordan@example.com")
    page.keyboard.press("Control+K")
    search = page.get_by_role("searchbox", name="Search contacts, companies and more")
    search.press_sequentially("gra", delay=40)
    page.locator("#search-results a", has_text="Grace Hopper").wait_for()
    search.press("ArrowDown")
    search.press("ArrowUp")
    assert _violations(page, errors) == []
    search.press("Enter")
    page.wait_for_url(re.compile(r"/contacts/\d+$"))
    assert page.locator("#record-name").inner_text() == "Grace Hopper"
    assert _violations(page, errors) == []


def test_searching_a_list_as_you_type_reports_no_csp_violation(browser, served_app) -> None:
    page, errors = _watched_page(browser, served_app)
    sign_in(page, "jordan@example.com")
    for path, box, found in (("/contacts", "#contact-q", "Alan Turing"), ("/companies", "#company-q", "Northwind Group")):
        page.goto(path)
        page.locator(box).press_sequentially(found.split()[0][:4].lower(), delay=40)
        page.wait_for_url(re.compile(r"\?q="))
        page.get_by_role("link", name=found).wait_for()
        assert _violations(page, errors) == []
    page.goto("/search?q=north")
    assert page.locator("a", has_text="Northwind Freight").first.is_visible()
    assert _violations(page, errors) == []
