"""On a 375 px phone: the menu button reaches every page (and, without scripts, the list
itself does); a contact page starts with how to reach the person."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import PHONE, new_page, screenshot, sign_in

pytestmark = pytest.mark.browser

NAV_PAGES = {"My day": "/", "Contacts": "/contacts", "Companies": "/companies", "Settings": "/settings"}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_menu_button_opens_the_navigation_and_reaches_every_page(browser, served_app) -> None:
    page = new_page(browser, served_app, PHONE)
    sign_in(page, "jordan@example.com")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    for label, path in NAV_PAGES.items():
        assert menu.get_attribute("aria-expanded") == "false"
        assert not nav.get_by_role("link", name=label).is_visible()
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
        if label == "Contacts":
            screenshot(page, "phone-menu")
        link = nav.get_by_role("link", name=label)
        link.click()
        page.wait_for_url(re.compile(rf"{re.escape(path)}$"))
        assert nav.get_by_role("link", name=label, include_hidden=True).get_attribute("aria-current") == "page"
        assert _fits(page)


def test_escape_closes_the_menu_and_gives_the_focus_back(browser, served_app) -> None:
    page = new_page(browser, served_app, PHONE)
    sign_in(page, "jordan@example.com")
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")


def test_without_scripts_every_page_is_linked_on_a_phone(browser, served_app) -> None:
    context = browser.new_context(viewport=PHONE, base_url=served_app.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "jordan@example.com")
    nav = page.get_by_role("navigation", name="Main")
    assert not page.get_by_role("button", name="Menu").is_visible()
    for label in NAV_PAGES:
        assert nav.get_by_role("link", name=label).is_visible()
    assert _fits(page)
    context.close()


def test_the_menu_button_is_not_shown_on_a_desk(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "jordan@example.com")
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").is_visible()


def test_a_contact_on_a_phone_starts_with_call_email_message_and_the_profile(browser, served_app) -> None:
    page = new_page(browser, served_app, PHONE)
    sign_in(page, "jordan@example.com")
    page.goto(f"/contacts/{served_app.facts['grace_id']}")
    assert page.get_by_role("link", name="Call").get_attribute("href") == "tel:+14155550100"
    assert page.get_by_role("link", name="Email", exact=True).get_attribute("href") == "mailto:grace@northwind.example"
    assert page.get_by_role("link", name="Message").get_attribute("href") == "sms:+14155550100"
    for name in ("Call", "Message"):
        assert page.get_by_role("link", name=name).is_visible()
    profile = page.locator("#profile-card").bounding_box()
    timeline = page.locator("#timeline").bounding_box()
    assert profile["y"] < timeline["y"]
    assert profile["y"] < page.viewport_size["height"]
    assert _fits(page)
