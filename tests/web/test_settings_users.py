"""The users card of the settings page: invites with their link, passwords, disabling and
enabling, and handing over a leaving user's records, each with what the admin sees."""

from __future__ import annotations

import re

import httpx
import pytest

from crm_platform.audit.service import history
from crm_platform.db.raw import fetch
from crm_platform.testing import client_for
from crm_platform.users import service
from tests.web.helpers import form_token, sign_in


@pytest.fixture
async def admin_browser(crm_running_app, crm_admin) -> httpx.AsyncClient:
    async with client_for(crm_running_app) as client:
        await sign_in(client, "admin@example.com")
        yield client


async def _post(client: httpx.AsyncClient, path: str, **data: str) -> httpx.Response:
    return await client.post(path, data={**data, "_csrf_token": await form_token(client, "/settings")})


async def test_an_invite_shows_its_link_once_and_marks_the_user_invited(admin_browser) -> None:
    response = await _post(admin_browser, "/settings/users/invite", email="nora@example.com", role="member")
    assert response.status_code == 200
    link = re.search(r'id="invite-link"[^>]*value="([^"]+)"', response.text).group(1)
    assert link.startswith("http://testserver/invite/")
    page = await admin_browser.get("/settings")
    assert link not in page.text
    assert "Invited, link open" in page.text


async def test_an_invite_with_a_bad_email_says_so(admin_browser) -> None:
    response = await _post(admin_browser, "/settings/users/invite", email="not an email")
    assert response.status_code == 422
    assert 'id="invite-email-error"' in response.text


async def test_adding_a_user_applies_the_password_policy_and_keeps_the_form(admin_browser) -> None:
    response = await _post(admin_browser, "/settings/users", email="nora@example.com", display_name="Nora",
                           password="letmein1", role="member")
    assert response.status_code == 422
    assert "10,000 most common passwords" in response.text
    assert 'value="Nora"' in response.text and "letmein1" not in response.text


async def test_an_admin_sets_a_password_from_the_page(admin_browser, crm_member) -> None:
    response = await _post(admin_browser, f"/settings/users/{crm_member[0].id}/password", password="a new long one")
    assert response.status_code == 303
    assert "Password of member@example.com set" in (await admin_browser.get(response.headers["location"])).text
    assert await service.authenticate("member@example.com", "a new long one") is not None


async def test_a_password_too_short_is_shown_beside_its_field(admin_browser, crm_member) -> None:
    response = await _post(admin_browser, f"/settings/users/{crm_member[0].id}/password", password="short")
    assert response.status_code == 422
    assert f'id="password-{crm_member[0].id}-password-error"' in response.text


async def test_disabling_from_the_page_ends_the_users_session(admin_browser, crm_running_app, crm_member) -> None:
    async with client_for(crm_running_app) as member:
        await sign_in(member, "member@example.com")
        response = await _post(admin_browser, f"/settings/users/{crm_member[0].id}/active", active="false")
        assert response.status_code == 303
        assert (await member.get("/")).status_code == 302
    page = await admin_browser.get("/settings")
    assert "Disabled" in page.text
    await _post(admin_browser, f"/settings/users/{crm_member[0].id}/active", active="true")
    assert [entry["action"] for entry in await history("user", crm_member[0].id)][:2] == ["enable", "disable"]


async def test_the_save_button_still_changes_role_and_team(admin_browser, crm_member) -> None:
    response = await _post(admin_browser, f"/settings/users/{crm_member[0].id}", role="manager", team="Ops",
                           is_active="on")
    assert response.status_code == 303
    assert await fetch("SELECT role FROM crm_user WHERE id = {}", crm_member[0].id) == [{"role": "manager"}]


async def test_hand_over_from_the_page_reports_what_moved(admin_browser, crm_client, crm_make_user) -> None:
    leaving, _ = await crm_make_user("leaving@example.com")
    heir, _ = await crm_make_user("heir@example.com")
    for name in ("Ann", "Bo"):
        await crm_client.post("/api/v1/contacts", json={"given_name": name, "owner_id": leaving.id})
    await crm_client.post("/api/v1/companies", json={"name": "Acme", "owner_id": leaving.id})
    response = await _post(admin_browser, "/settings/users/hand-over", **{"from": str(leaving.id),
                                                                          "target": f"user:{heir.id}"})
    assert response.status_code == 303
    page = await admin_browser.get(response.headers["location"])
    assert "Handed over from leaving@example.com: 1 company, 2 contacts" in page.text


async def test_hand_over_without_a_target_names_the_field(admin_browser, crm_member) -> None:
    response = await _post(admin_browser, "/settings/users/hand-over", **{"from": str(crm_member[0].id), "target": ""})
    assert response.status_code == 422
    assert 'id="handover-target-error"' in response.text


async def test_members_cannot_use_the_users_forms(crm_running_app, crm_member, crm_admin) -> None:
    async with client_for(crm_running_app) as member:
        await sign_in(member, "member@example.com")
        for path, data in (("/settings/users/invite", {"email": "x@example.com"}),
                           (f"/settings/users/{crm_admin[0].id}/password", {"password": "taking it over"}),
                           ("/settings/users/hand-over", {"from": str(crm_admin[0].id), "target": "user:1"})):
            response = await member.post(path, data={**data, "_csrf_token": await form_token(member, "/settings")})
            assert response.status_code == 403, path
