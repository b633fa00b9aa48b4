"""Custom fields in the pages: typed inputs on the contact and company forms, values on
record pages, the list's filter row and columns, and CSV exports."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from crm_platform.records.tables import CustomField
from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


@pytest.fixture
async def contact_fields(crm_running_app) -> None:
    await CustomField.insert(
        CustomField(record_type="contact", key="tier", label="Tier", kind="choice", choices=["gold", "silver"]),
        CustomField(record_type="contact", key="budget", label="Budget", kind="money"),
        CustomField(record_type="contact", key="notes", label="Notes", kind="long_text"),
        CustomField(record_type="contact", key="pets", label="Pets", kind="multi_choice", choices=["cat", "dog", "=cmd"]),
        CustomField(record_type="contact", key="newsletter", label="Newsletter", kind="boolean"),
        CustomField(record_type="contact", key="call_at", label="Call at", kind="datetime"),
        CustomField(record_type="contact", key="mobile", label="Mobile", kind="phone"),
        CustomField(record_type="contact", key="employer", label="Employer", kind="record", choices=["company"]),
    )


async def _post(client: httpx.AsyncClient, path: str, data: dict, token_page: str = "/contacts/new") -> httpx.Response:
    return await client.post(path, data={**data, "_csrf_token": await form_token(client, token_page)})


async def test_the_new_contact_form_has_a_typed_input_per_custom_field(admin_browser, contact_fields):
    page = (await admin_browser.get("/contacts/new")).text
    assert '<select id="f-custom-tier" name="custom.tier"' in page
    assert 'name="custom.budget" type="number"' in page and 'step="0.01"' in page
    assert '<textarea id="f-custom-notes" name="custom.notes"' in page
    assert 'name="custom.pets" multiple' in page
    assert 'type="checkbox" name="custom.newsletter"' in page
    assert 'name="custom.call_at" type="datetime-local"' in page
    assert 'name="custom.mobile" type="tel"' in page
    assert 'name="custom.employer" type="number"' in page and "The id of a company." in page


async def test_creating_a_contact_from_the_form_stores_its_custom_values(admin_browser, crm_client, contact_fields):
    company = (await crm_client.post("/api/v1/companies", json={"name": "Northwind"})).json()
    response = await _post(admin_browser, "/contacts", {
        "given_name": "Ada", "custom.tier": "gold", "custom.budget": "1250.50", "custom.notes": "Two\nlines",
        "custom.pets": ["dog", "cat"], "custom.newsletter": "on", "custom.call_at": "2025-03-01T09:30",
        "custom.mobile": "(415) 555-0100", "custom.employer": str(company["id"]),
    })
    assert response.status_code == 303
    contact = (await crm_client.get(response.headers["location"].replace("/contacts/", "/api/v1/contacts/"))).json()
    assert contact["custom"] == {
        "tier": "gold", "budget": 1250.5, "notes": "Two\nlines", "pets": ["cat", "dog"], "newsletter": True,
        "call_at": "2025-03-01T09:30:00Z", "mobile": "+14155550100", "employer": company["id"],
    }
    record_page = (await admin_browser.get(response.headers["location"])).text
    assert "1,250.50" in record_page and "cat, dog" in record_page
    assert f'<a href="/companies/{company["id"]}">Northwind</a>' in record_page


async def test_a_record_field_names_only_a_record_the_viewer_may_see(crm_running_app, crm_client, crm_make_user,
                                                                      contact_fields):
    company = (await crm_client.post("/api/v1/companies", json={"name": "Secret Holdings"})).json()
    _, token = await crm_make_user("member@example.com")
    async with client_for(crm_running_app, token) as member_api:
        contact = (await member_api.post("/api/v1/contacts", json={
            "given_name": "Mo", "custom": {"employer": company["id"]}})).json()
    async with client_for(crm_running_app) as member:
        await sign_in(member, "member@example.com")
        page = (await member.get(f"/contacts/{contact['id']}")).text
    assert "Secret Holdings" not in page
    assert f'<a href="/companies/{company["id"]}">Company {company["id"]}</a>' in page


async def test_a_bad_custom_value_on_the_form_is_shown_beside_its_field(admin_browser, contact_fields):
    response = await _post(admin_browser, "/contacts", {
        "given_name": "Ada", "custom.budget": "12.345", "custom.employer": "999999"})
    assert response.status_code == 422
    assert 'id="f-custom-budget-error"' in response.text
    assert "at most 2 decimal places" in response.text
    assert 'id="f-custom-employer-error"' in response.text and "company 999999 does not exist" in response.text
    assert 'value="12.345"' in response.text  # what was typed stays


async def test_the_profile_form_changes_and_clears_custom_values(admin_browser, crm_client, contact_fields):
    created = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Ada", "custom": {"tier": "gold", "pets": ["cat"], "newsletter": True}})).json()
    form = (await admin_browser.get(f"/contacts/{created['id']}/profile?edit=true")).text
    assert '<option value="cat" selected>' in form
    response = await _post(admin_browser, f"/contacts/{created['id']}", {
        "given_name": "Ada", "lifecycle_stage": "lead", "custom.tier": "silver", "custom.pets": ["dog"],
    }, token_page=f"/contacts/{created['id']}")
    assert response.status_code == 303
    contact = (await crm_client.get(f"/api/v1/contacts/{created['id']}")).json()
    assert contact["custom"] == {"tier": "silver", "pets": ["dog"], "newsletter": False}


async def test_the_company_form_creates_and_edits_custom_values(admin_browser, crm_client):
    await CustomField.insert(CustomField(record_type="company", key="employees", label="Employees", kind="number"))
    page = (await admin_browser.get("/companies/new")).text
    assert 'name="custom.employees" type="number"' in page
    created = await _post(admin_browser, "/companies", {"name": "Acme", "custom.employees": "40"}, "/companies/new")
    assert created.status_code == 303
    company_path = created.headers["location"]
    assert "Employees" in (await admin_browser.get(company_path)).text
    edit = (await admin_browser.get(f"{company_path}/edit")).text
    assert 'value="40"' in edit
    bad = await _post(admin_browser, company_path, {"name": "Acme", "custom.employees": "many"}, f"{company_path}/edit")
    assert bad.status_code == 422 and 'id="company-custom-employees-error"' in bad.text
    await _post(admin_browser, company_path, {"name": "Acme", "custom.employees": "41"}, f"{company_path}/edit")
    company = (await crm_client.get(company_path.replace("/companies/", "/api/v1/companies/"))).json()
    assert company["custom"] == {"employees": 41}


async def _seed_tiers(crm_client) -> None:
    for name, custom in [("Ann", {"tier": "gold", "budget": 500}), ("Bob", {"tier": "silver", "budget": 50}),
                         ("Cat", {})]:
        await crm_client.post("/api/v1/contacts", json={"given_name": name, "custom": custom})


async def test_the_contact_list_filters_by_a_custom_field_with_an_operator(admin_browser, crm_client, contact_fields):
    await _seed_tiers(crm_client)
    page = (await admin_browser.get("/contacts", params={"cf": "budget", "co": "gt", "cv": "100"})).text
    assert ">Ann</a>" in page and ">Bob</a>" not in page and ">Cat</a>" not in page
    empty = (await admin_browser.get("/contacts", params={"cf": "tier", "co": "empty"})).text
    assert ">Cat</a>" in empty and ">Ann</a>" not in empty
    searched = (await admin_browser.get("/contacts", params={"q": "a", "cf": "tier", "co": "eq", "cv": "gold"})).text
    assert ">Ann</a>" in searched and ">Cat</a>" not in searched
    bad = await admin_browser.get("/contacts", params={"cf": "budget", "co": "gt", "cv": "lots"})
    assert bad.status_code == 200 and "must be an amount" in bad.text


async def test_the_contact_list_shows_chosen_custom_fields_as_columns(admin_browser, crm_client, contact_fields):
    await _seed_tiers(crm_client)
    plain = (await admin_browser.get("/contacts")).text
    assert "<th class=\"hide-phone\">Tier</th>" not in plain
    page = (await admin_browser.get("/contacts", params=[("cols", "tier"), ("cols", "budget")])).text
    assert '<th class="hide-phone">Tier</th>' in page and '<th class="hide-phone">Budget</th>' in page
    assert "500.00" in page
    assert 'name="cols" value="tier" checked' in page


async def test_a_saved_view_keeps_the_custom_filter_and_columns(admin_browser, contact_fields):
    response = await admin_browser.post("/contacts/views", data={
        "name": "Gold", "cf": "tier", "co": "eq", "cv": "gold", "cols": "tier,budget",
        "_csrf_token": await form_token(admin_browser, "/contacts")})
    assert response.status_code == 303
    assert "cf=tier" in response.headers["location"] and "cols=tier%2Cbudget" in response.headers["location"]
    page = (await admin_browser.get(response.headers["location"])).text
    assert '<th class="hide-phone">Budget</th>' in page


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_the_contacts_csv_has_a_column_per_custom_field_with_formulas_defused(admin_browser, crm_client,
                                                                                    contact_fields):
    created = (await crm_client.post("/api/v1/contacts", json={
        "given_name": "Ada", "custom": {"tier": "gold", "pets": ["=cmd", "cat"], "newsletter": True}})).json()
    response = await _post(admin_browser, "/contacts/bulk", {"action": "export", "ids": [str(created["id"])]},
                           "/contacts")
    assert response.status_code == 200
    [row] = _csv_rows(response.text)
    assert list(row)[-8:] == ["tier", "budget", "notes", "pets", "newsletter", "call_at", "mobile", "employer"]
    assert row["tier"] == "gold" and row["newsletter"] == "true" and row["budget"] == ""
    assert row["pets"] == "cat, =cmd"  # in the order of the choices; not a formula (does not start with =)


async def test_the_companies_csv_exports_the_listed_companies_with_custom_columns(admin_browser, crm_client):
    await CustomField.insert(CustomField(record_type="company", key="motto", label="Motto", kind="text"))
    await crm_client.post("/api/v1/companies", json={"name": "Acme", "custom": {"motto": "=SUM(A1)"}})
    await crm_client.post("/api/v1/companies", json={"name": "Globex", "custom": {"motto": "Onward"}})
    response = await admin_browser.get("/companies/export", params={"cf": "motto", "co": "contains", "cv": "sum"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert [(row["name"], row["motto"]) for row in _csv_rows(response.text)] == [("Acme", "'=SUM(A1)")]
    listed = (await admin_browser.get("/companies", params={"cols": "motto"})).text
    assert '<th class="hide-phone">Motto</th>' in listed and "Onward" in listed


async def test_settings_add_fields_of_the_new_kinds(admin_browser, crm_client):
    for data in [{"key": "pets", "kind": "multi_choice", "choices": "cat, dog"},
                 {"key": "employer", "kind": "record", "reference": "company"},
                 {"key": "salary", "kind": "money"}]:
        response = await admin_browser.post("/settings/fields", data={
            "record_type": "contact", **data, "_csrf_token": await form_token(admin_browser, "/settings")})
        assert response.status_code == 303, response.text
    company = (await crm_client.post("/api/v1/companies", json={"name": "Acme"})).json()
    created = await crm_client.post("/api/v1/contacts", json={
        "given_name": "Ada", "custom": {"pets": ["dog"], "employer": company["id"], "salary": "100.10"}})
    assert created.json()["custom"] == {"pets": ["dog"], "employer": company["id"], "salary": 100.1}
    no_choices = await admin_browser.post("/settings/fields", data={
        "record_type": "contact", "key": "colours", "kind": "multi_choice",
        "_csrf_token": await form_token(admin_browser, "/settings")})
    assert no_choices.status_code == 422 and 'id="field-choices-error"' in no_choices.text
