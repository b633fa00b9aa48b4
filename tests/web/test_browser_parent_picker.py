"""A company's parent is chosen by typing part of its name, not by its id."""

from __future__ import annotations

import re

import pytest

from tests.web.browser import new_page, sign_in

pytestmark = pytest.mark.browser


def test_a_new_company_gets_its_parent_from_the_typeahead(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "admin@example.com")
    page.goto("/companies/new")
    assert page.get_by_label("Parent company id").count() == 0
    page.get_by_label("Name").fill("Northwind Air")
    page.get_by_role("searchbox", name="Parent company").press_sequentially("northw", delay=30)
    choice = page.get_by_role("radio", name=re.compile("Northwind Group"))
    choice.wait_for()
    assert page.get_by_role("group", name="Matching companies").get_by_role("radio").count() >= 1
    assert not page.get_by_role("group", name="Matching companies").get_by_text("Grace Hopper").count()
    choice.check()
    page.get_by_role("button", name="Create company").click()
    page.wait_for_url(re.compile(r"/companies/\d+$"))
    assert "Northwind Group" in page.locator("main").inner_text()

    page.goto(page.url + "/edit")
    assert page.get_by_role("radio", name="Northwind Group").is_checked()
    page.get_by_role("radio", name="No parent company").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/companies/\d+$"))
    page.goto(page.url + "/edit")
    assert page.get_by_role("radio", name="No parent company").is_checked()
