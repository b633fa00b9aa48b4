"""Reports in a real browser: open the reports from the navigation, filter one by team and
period, read its chart and the table behind it, and export the same figures as CSV and the chart as PNG."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from tests.web.browser import PHONE, new_page, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_report_is_filtered_read_as_chart_and_table_and_exported(browser, served_app) -> None:
    page = new_page(browser, served_app)
    sign_in(page, "admin@example.com")
    page.get_by_role("navigation").get_by_role("link", name="Reports").first.click()
    page.wait_for_url(re.compile(r"/reports$"))
    page.get_by_role("link", name="Sources").click()
    page.wait_for_url(re.compile(r"/reports/sources"))

    start = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    page.get_by_label("From").fill(start)
    page.get_by_label("Team").select_option(label="South")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"team=\d+"))
    assert f"from={start}" in page.url

    chart = page.get_by_role("img", name="Sources")
    assert chart.is_visible()
    assert "(no source): Contacts 1" in chart.locator("desc").text_content()
    sizes = page.locator(".report-chart text").evaluate_all(
        "nodes => nodes.map(node => parseFloat(getComputedStyle(node).fontSize))")
    assert sizes and min(sizes) >= 12
    table = page.get_by_test_id("report-table")
    rows = [[cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in table.locator("tr").all()]
    assert rows[1][:2] == ["(no source)", "1"]

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    exported = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert exported[0] == rows[0]
    assert exported[1][:3] == rows[1][:3]
    with page.expect_download() as download:
        page.get_by_test_id("export-png").click()
    assert download.value.suggested_filename == "sources.png"
    assert open(download.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    screenshot(page, "report-sources")
    # Every table's column labels, the core's too, are readable at 12 px and above.
    page.goto("/contacts")
    sizes = page.locator(".table th").evaluate_all(
        "nodes => nodes.map(node => parseFloat(getComputedStyle(node).fontSize))")
    assert sizes and min(sizes) >= 12

    phone = new_page(browser, served_app, PHONE)
    sign_in(phone, "admin@example.com")
    phone.goto("/reports/team_activity")
    sizes = phone.locator(".report-chart text").evaluate_all(
        "nodes => nodes.map(node => parseFloat(getComputedStyle(node).fontSize))")
    assert not sizes or min(sizes) >= 12
