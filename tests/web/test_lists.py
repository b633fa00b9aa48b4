"""Saved views, CSV export and custom fields, through the pages."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from crm_platform.testing import client_for
from crm_platform.web.csv_export import csv_document, spreadsheet_safe
from tests.web.helpers import form_token, sign_in


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def _ids(api: httpx.AsyncClient, *names: str) -> list[int]:
    response = await api.post("/api/v1/contacts/bulk", json={"contacts": [{"given_name": n} for n in names]})
    return response.json()["ids"]


async def test_a_saved_view_keeps_the_filters_and_is_listed_for_its_owner(admin_browser) -> None:
    response = await admin_browser.post("/contacts/views", data={
        "name": "Hot leads", "stage": "lead", "tag": "hot", "_csrf_token": await form_token(admin_browser)})
    assert response.status_code == 303
    page = await admin_browser.get("/contacts")
    assert "Hot leads" in page.text
    assert "stage=lead" in page.text and "tag=hot" in page.text


async def test_exporting_the_selected_contacts_gives_a_csv_with_formulas_defused(admin_browser, crm_client) -> None:
    ids = await _ids(crm_client, "Ada", "=HYPERLINK(1)", "Left out")
    response = await admin_browser.post("/contacts/bulk", data={
        "action": "export", "ids": [str(ids[0]), str(ids[1])], "_csrf_token": await form_token(admin_browser)})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.strip().splitlines()
    assert len(lines) == 3
    assert ",Ada," in lines[1] or ",Ada," in lines[2]
    assert "'=HYPERLINK(1)" in response.text
    assert "Left out" not in response.text


async def test_assigning_selected_contacts_changes_their_owner(admin_browser, crm_client, crm_make_user) -> None:
    colleague, _ = await crm_make_user("grace@example.com")
    ids = await _ids(crm_client, "Ada", "Alan")
    response = await admin_browser.post("/contacts/bulk", data={
        "action": "assign", "owner_id": str(colleague.id), "ids": [str(i) for i in ids],
        "_csrf_token": await form_token(admin_browser)})
    assert response.status_code == 303
    for contact_id in ids:
        assert (await crm_client.get(f"/api/v1/contacts/{contact_id}")).json()["owner_id"] == colleague.id


async def test_a_custom_field_defined_in_settings_appears_on_the_profile_form(admin_browser, crm_client) -> None:
    response = await admin_browser.post("/settings/fields", data={
        "record_type": "contact", "key": "birthday", "label": "Birthday", "kind": "date",
        "_csrf_token": await form_token(admin_browser)})
    assert response.status_code == 303
    contact_id = (await _ids(crm_client, "Ada"))[0]
    form = await admin_browser.get(f"/contacts/{contact_id}/profile?edit=true")
    assert 'name="custom.birthday"' in form.text
    assert 'type="date"' in form.text


async def test_a_custom_field_with_a_bad_key_is_refused_beside_the_key(admin_browser) -> None:
    response = await admin_browser.post("/settings/fields", data={
        "record_type": "contact", "key": "Bad Key!", "kind": "text", "_csrf_token": await form_token(admin_browser)})
    assert response.status_code == 422
    assert 'id="field-key-error"' in response.text
    assert 'value="Bad Key!"' in response.text


async def test_a_company_without_a_name_is_refused_beside_the_name(admin_browser) -> None:
    response = await admin_browser.post("/companies", data={
        "name": "", "industry": "Shipping", "_csrf_token": await form_token(admin_browser)})
    assert response.status_code == 422
    assert 'id="company-name-error"' in response.text
    assert 'value="Shipping"' in response.text


async def test_the_csv_export_defuses_cells_starting_with_a_tab_or_return_and_keeps_empty_cells_empty(
    admin_browser, crm_client
) -> None:
    ids = await _ids(crm_client, "Ada")
    await crm_client.patch(f"/api/v1/contacts/{ids[0]}", json={"job_title": "\t=cmd|' /C calc'!A0"})
    response = await admin_browser.post("/contacts/bulk", data={
        "action": "export", "ids": [str(ids[0])], "_csrf_token": await form_token(admin_browser)})
    assert response.status_code == 200
    [row] = list(csv.DictReader(io.StringIO(response.text)))
    assert row["job_title"] == "'\t=cmd|' /C calc'!A0"
    assert row["email"] == "" and row["phone"] == "" and row["tags"] == ""


def test_spreadsheet_safe_defuses_every_formula_start_and_nothing_else() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert spreadsheet_safe(f"{start}1+1") == f"'{start}1+1"
    assert [spreadsheet_safe(value) for value in ("", None, "Ada", "a=b", -5, 2.5)] == ["", "", "Ada", "a=b", -5, 2.5]
    assert csv_document(["name", "note"], [["Ada", ""], ["\r=1", None]]) == 'name,note\r\nAda,\r\n"\'\r=1",\r\n'
