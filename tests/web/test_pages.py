"""Pages through an in-process client: CSRF, escaping, error pages and security headers."""

from __future__ import annotations

import httpx
import pytest

from crm_platform.testing import client_for
from tests.web.helpers import form_token, sign_in


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def _create_contact(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    return await client.post("/contacts", data={"_csrf_token": await form_token(client, "/contacts/new"), **fields})


async def test_a_form_without_its_csrf_token_is_refused(admin_browser) -> None:
    response = await admin_browser.post("/contacts", data={"given_name": "Ada"})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    listing = await admin_browser.get("/contacts")
    assert "Ada" not in listing.text


async def test_a_form_with_a_forged_csrf_token_is_refused(admin_browser) -> None:
    response = await admin_browser.post("/contacts", data={"given_name": "Ada", "_csrf_token": "forged"})
    assert response.status_code == 403


async def test_a_csrf_token_of_another_session_is_refused_even_with_its_cookie_planted(
    admin_browser, crm_running_app, crm_make_user
) -> None:
    await crm_make_user("eve@example.com")
    async with client_for(crm_running_app) as eve:
        await sign_in(eve, "eve@example.com")
        eves_token = await form_token(eve, "/contacts/new")
        eves_cookie = eve.cookies.get("crm_csrf")
    # A cookie planted from a sibling subdomain, matching the token posted with it.
    admin_browser.cookies.set("crm_csrf", eves_cookie or eves_token, domain="testserver.local")
    response = await admin_browser.post("/contacts", data={"given_name": "Planted", "_csrf_token": eves_token})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert "Planted" not in (await admin_browser.get("/contacts")).text


async def test_a_form_with_its_csrf_token_is_accepted(admin_browser) -> None:
    response = await _create_contact(admin_browser, given_name="Ada", family_name="Lovelace")
    assert response.status_code == 303
    page = await admin_browser.get(response.headers["location"])
    assert "Ada Lovelace" in page.text


async def test_an_api_write_with_the_session_cookie_needs_the_csrf_header(admin_browser) -> None:
    refused = await admin_browser.post("/api/v1/contacts", json={"given_name": "Ada"})
    assert refused.status_code == 403
    token = await form_token(admin_browser)
    accepted = await admin_browser.post("/api/v1/contacts", json={"given_name": "Ada"}, headers={"x-csrftoken": token})
    assert accepted.status_code == 201


async def test_an_api_write_with_a_bearer_token_needs_no_csrf(crm_client) -> None:
    response = await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})
    assert response.status_code == 201


async def test_a_script_in_a_name_is_shown_as_text(admin_browser) -> None:
    created = await _create_contact(admin_browser, given_name="<script>alert(1)</script>")
    page = await admin_browser.get(created.headers["location"])
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    listing = await admin_browser.get("/contacts")
    assert "<script>alert(1)</script>" not in listing.text


async def test_form_errors_appear_beside_the_field_with_the_input_kept(admin_browser) -> None:
    response = await _create_contact(admin_browser, given_name="Ada", email="not an email")
    assert response.status_code == 422
    assert 'id="f-email-error"' in response.text
    assert 'value="not an email"' in response.text
    assert 'value="Ada"' in response.text


async def test_a_missing_contact_shows_the_404_page(admin_browser) -> None:
    response = await admin_browser.get("/contacts/987654")
    assert response.status_code == 404
    assert "Nothing here" in response.text
    assert "Traceback" not in response.text


async def test_a_wrong_value_in_the_address_shows_what_was_wrong_with_it(admin_browser) -> None:
    response = await admin_browser.get("/notifications", params={"cursor": "not-a-cursor"})
    assert response.status_code == 422
    assert "Some of that was not valid" in response.text
    assert "<strong>cursor</strong>: is not a cursor this API returned" in response.text


async def test_an_unknown_address_shows_the_404_page(admin_browser) -> None:
    response = await admin_browser.get("/no-such-page")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]


async def test_another_teams_contact_shows_the_403_page(crm_running_app, crm_make_user) -> None:
    _, owner_token = await crm_make_user("bob@example.com", team="South")
    await crm_make_user("alice@example.com", team="North")
    async with client_for(crm_running_app, owner_token) as api:
        contact = (await api.post("/api/v1/contacts", json={"given_name": "Secret"})).json()
    async with client_for(crm_running_app) as alice:
        await sign_in(alice, "alice@example.com")
        response = await alice.get(f"/contacts/{contact['id']}")
    assert response.status_code == 403
    assert "You do not have access to this" in response.text
    assert "Secret" not in response.text


async def test_a_member_cannot_open_the_admin_settings(crm_running_app, crm_make_user) -> None:
    await crm_make_user("alice@example.com")
    async with client_for(crm_running_app) as alice:
        await sign_in(alice, "alice@example.com")
        page = await alice.get("/settings")
        assert "Users and roles" not in page.text
        refused = await alice.post("/settings/teams", data={"name": "Mine", "_csrf_token": await form_token(alice)})
        assert refused.status_code == 403


async def test_pages_carry_a_strict_content_security_policy(admin_browser) -> None:
    response = await admin_browser.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.text  # every script is a file


async def test_htmx_is_served_from_the_package(admin_browser) -> None:
    response = await admin_browser.get("/static/core/htmx-2.0.4.min.js")
    assert response.status_code == 200
    assert "htmx" in response.text[:200]


async def test_an_api_write_without_any_credentials_still_answers_401(crm_anonymous_client) -> None:
    response = await crm_anonymous_client.post("/api/v1/contacts", json={"given_name": "Ada"})
    assert response.status_code == 401


async def test_a_follow_up_due_time_is_read_in_the_browsers_time_zone(admin_browser, crm_client) -> None:
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    admin_browser.cookies.set("crm_tz", "Pacific/Auckland", domain="testserver.local")
    response = await admin_browser.post(f"/contacts/{contact['id']}/follow-ups", data={
        "subject": "Send the proposal", "due_at": "2030-01-15T09:00",
        "_csrf_token": await form_token(admin_browser, f"/contacts/{contact['id']}")})
    assert response.status_code == 303
    timeline = (await crm_client.get(f"/api/v1/contacts/{contact['id']}/timeline")).json()
    due = timeline["items"][0]["activity"]["due_at"]
    assert due.startswith("2030-01-14T20:00")  # 09:00 in Auckland (UTC+13 in January)


async def test_the_record_picker_narrows_to_one_kind_names_its_inputs_and_takes_several(admin_browser, crm_client) -> None:
    await crm_client.post("/api/v1/companies", json={"name": "Acme"})
    await crm_client.post("/api/v1/contacts", json={"given_name": "Acmeson"})
    both = await admin_browser.get("/search/pick", params={"target_q": "acme"})
    companies = await admin_browser.get("/search/pick", params={"target_q": "acme", "kind": "company", "name": "company_pick"})
    people = await admin_browser.get("/search/pick", params={"target_q": "acme", "kind": "contact", "name": "add", "multiple": "true"})
    assert both.text.count('type="radio" name="target"') == 2
    assert companies.text.count('type="radio" name="company_pick" value="company:') == 1 and "Acmeson" not in companies.text
    assert people.text.count('type="checkbox" name="add" value="contact:') == 1 and "checked" not in people.text


async def test_the_record_picker_names_a_wrong_kind_or_input_name(admin_browser) -> None:
    wrong_kind = await admin_browser.get("/search/pick", params={"target_q": "a", "kind": "user"})
    wrong_name = await admin_browser.get("/search/pick", params={"target_q": "a", "name": '"><script>'})
    assert wrong_kind.status_code == wrong_name.status_code == 422
    assert "kind" in wrong_kind.text and "<script>" not in wrong_name.text
