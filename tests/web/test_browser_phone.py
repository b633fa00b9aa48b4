"""Every main page works on a 375 px wide phone: nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.web.browser import DESKTOP, PHONE, new_page, screenshot, sign_in

pytestmark = pytest.mark.browser

MAIN_PAGES = {
    "my-day": "/",
    "contacts": "/contacts",
    "contact": "/contacts/{grace_id}",
    "companies": "/companies",
    "company": "/companies/{northwind_id}",
    "settings": "/settings",
    "search": "/search?q=north",
    "notifications": "/notifications",
    "new-contact": "/contacts/new",
    "new-company": "/companies/new",
    "edit-company": "/companies/{northwind_id}/edit",
}

# Controls that stick out of the screen, and boxes that scroll sideways inside the page.
OUT_OF_REACH = """() => {
  const wide = [];
  for (const box of document.querySelectorAll("main .card, main .table-wrap")) {
    if (box.scrollWidth > box.clientWidth + 1) wide.push(box.id || box.className);
  }
  for (const control of document.querySelectorAll("main input, main select, main button, main textarea, main a.btn")) {
    const rect = control.getBoundingClientRect();
    if (rect.width && (rect.left < -1 || rect.right > window.innerWidth + 1)) wide.push(control.id || control.name || control.textContent);
  }
  return wide;
}"""


def _page_width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


@pytest.mark.parametrize("name", sorted(MAIN_PAGES))
def test_main_page_fits_a_375_px_screen(browser, served_app, name: str) -> None:
    page = new_page(browser, served_app, PHONE)
    sign_in(page, "jordan@example.com")
    page.goto(MAIN_PAGES[name].format(**served_app.facts))
    assert page.locator("h1").first.is_visible()
    assert _page_width(page) <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(OUT_OF_REACH) == []
    screenshot(page, f"phone-{name}")
    page.set_viewport_size({"width": 1280, "height": 860})
    screenshot(page, f"desktop-{name}")


def test_sign_in_page_fits_a_375_px_screen(browser, served_app) -> None:
    page = new_page(browser, served_app, PHONE)
    page.goto("/login")
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert _page_width(page) <= PHONE["width"]
    screenshot(page, "phone-login")


def test_the_default_theme_turns_dark_with_the_system(browser, served_app) -> None:
    context = browser.new_context(viewport=DESKTOP, base_url=served_app.url, color_scheme="dark")
    page = context.new_page()
    sign_in(page, "jordan@example.com")
    page.goto(f"/contacts/{served_app.facts['grace_id']}")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 22, 29)"
    screenshot(page, "desktop-contact-dark")
    context.close()


def test_every_settings_section_and_the_users_table_are_usable_on_a_phone(browser, served_app) -> None:
    page = new_page(browser, served_app, PHONE)
    sign_in(page, "jordan@example.com")
    page.goto("/settings")
    for summary in page.locator("main details > summary").all():
        summary.click()  # open the "Add ..." forms too
    assert page.evaluate(OUT_OF_REACH) == []
    users = page.locator("#users-table")
    row = users.locator("tr", has_text="alice@example.com")
    for control in (row.get_by_label("Role of Alice Member"), row.get_by_label("Team of Alice Member"),
                    row.get_by_role("button", name="Save")):
        assert control.is_visible()
    assert row.get_by_label("Team of Alice Member").input_value() == "North"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-settings-open")
