"""In Chromium: the receptionist books an appointment, marks it no-show and finds it on the
no-show report; the clinician writes a note, the receptionist sees only that it exists, and the
read audit shows both reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crm_platform.testing import chromium, serve

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
CONTENT = "Fictional: reports mild headaches"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    with serve(Path(__file__).with_name("serve_healthcare.py"), tmp_path_factory.mktemp("healthcare-served")) as served:
        yield served


def _signed_in(browser: Any, base_url: str, email: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url).new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


def test_appointments_notes_and_the_read_audit(served: tuple[str, dict[str, Any]]) -> None:
    url, facts = served
    patient = f"/contacts/{facts['patient_id']}"
    with chromium() as browser:
        desk = _signed_in(browser, url, "desk@example.com")
        desk.goto(patient)
        assert desk.get_by_text("MEM-777777").count() == 0  # the member id is masked
        booking = desk.locator("#book-appointment")
        booking.get_by_label("Starts at (UTC)").fill("2026-11-20T09:30")
        booking.get_by_label("Provider").fill("Dr. Example")
        booking.get_by_label("Location").fill("Room 2")
        with desk.expect_navigation():
            booking.get_by_role("button", name="Book appointment").click()
        appointment = desk.locator(".healthcare-appointments li").first
        assert "Dr. Example" in appointment.inner_text()
        appointment.get_by_label("Status").select_option("no_show")
        with desk.expect_navigation():
            appointment.get_by_role("button", name="Save").click()
        assert desk.get_by_test_id("appointment-status").first.inner_text() == "no-show"
        desk.get_by_role("link", name="No-show report").click()
        desk.wait_for_url("**/healthcare/no-shows")
        report = desk.get_by_test_id("no-shows")
        assert "Fictional Patient" in report.inner_text() and "Dr. Example" in report.inner_text()

        doc = _signed_in(browser, url, "doc@example.com")
        doc.goto(patient)
        form = doc.locator("#write-note")
        form.get_by_label("Note").fill(CONTENT)
        with doc.expect_navigation():
            form.get_by_role("button", name="Write note").click()
        doc.get_by_role("link", name="Consultation note").click()
        doc.wait_for_url("**/healthcare/notes/*")
        assert doc.get_by_test_id("note-body").inner_text() == CONTENT

        desk.goto(patient)
        assert desk.locator("#write-note").count() == 0
        desk.get_by_role("link", name="Consultation note").click()
        desk.wait_for_url("**/healthcare/notes/*")
        assert desk.get_by_test_id("note-hidden").is_visible()
        assert CONTENT not in desk.content()

        doc.goto(patient)
        doc.get_by_role("link", name="Read audit").click()
        doc.wait_for_url("**/reads")
        reads = doc.get_by_test_id("reads").inner_text()
        assert "Robin Reception" in reads and "clinical note, content hidden" in reads
        assert "Dana Doctor" in reads and "clinical note" in reads.replace("clinical note, content hidden", "")
