"""Accounts through the REST API: the password policy, one's own password, admins setting
passwords, disabling and enabling users (nothing revoked comes back), and the audit trail."""

from __future__ import annotations

import pytest

from crm_platform.audit.service import history
from crm_platform.testing import DEFAULT_PASSWORD, client_for
from crm_platform.users import passwords, service


async def _audit_actions(user_id: int) -> list[str]:
    return [entry["action"] for entry in await history("user", user_id)]


def test_the_common_password_list_holds_ten_thousand_passwords():
    common = passwords.common_passwords()
    assert len(common) == 10_000
    assert {"123456", "password", "qwerty"} <= common


@pytest.mark.parametrize(("password", "problem"), [
    ("short", "at least 8 characters"),
    ("x" * 129, "at most 128 characters (this one has 129)"),
    ("password1", "10,000 most common passwords"),
    ("ada.lovelace", "must not be your email address"),
    ("ada.lovelace@example.com", "must not be your email address"),
])
def test_the_policy_names_what_is_wrong(password, problem):
    assert problem in passwords.problem_with(password, "ada.lovelace@example.com")


def test_a_long_uncommon_password_is_accepted():
    assert passwords.problem_with("x" * 128, "ada@example.com") is None
    assert passwords.problem_with("plum tree in the rain", "ada@example.com") is None


async def test_changing_ones_own_password_needs_the_current_one(crm_member_client, crm_member):
    response = await crm_member_client.put("/api/v1/account/password", json={
        "current_password": "not it", "new_password": "a brand new secret"})
    assert response.status_code == 422
    assert "current_password" in response.json()["errors"]


async def test_a_new_password_that_breaks_the_policy_is_refused_naming_it(crm_member_client):
    response = await crm_member_client.put("/api/v1/account/password", json={
        "current_password": DEFAULT_PASSWORD, "new_password": "iloveyou"})
    assert response.status_code == 422
    assert "common passwords" in response.json()["errors"]["new_password"]


async def test_after_changing_ones_password_only_the_new_one_signs_in(crm_member_client, crm_member):
    response = await crm_member_client.put("/api/v1/account/password", json={
        "current_password": DEFAULT_PASSWORD, "new_password": "a brand new secret"})
    assert response.status_code == 204
    assert await service.authenticate("member@example.com", DEFAULT_PASSWORD) is None
    assert (await service.authenticate("member@example.com", "a brand new secret")).id == crm_member[0].id
    assert "own_passwd" in await _audit_actions(crm_member[0].id)


async def test_an_admin_sets_a_users_password(crm_client, crm_member, crm_admin):
    response = await crm_client.put(f"/api/v1/users/{crm_member[0].id}/password",
                                    json={"password": "handed over in person"})
    assert response.status_code == 204
    assert (await service.authenticate("member@example.com", "handed over in person")) is not None
    [entry] = [entry for entry in await history("user", crm_member[0].id) if entry["action"] == "password"]
    assert entry["actor_id"] == crm_admin[0].id
    assert "handed over" not in str(entry["changes"])  # never the password itself


async def test_an_over_long_password_is_refused_at_creation_not_cut_short(crm_client, crm_member):
    response = await crm_client.put(f"/api/v1/users/{crm_member[0].id}/password", json={"password": "y" * 200})
    assert response.status_code == 422
    assert "at most 128 characters" in response.json()["errors"]["password"]
    assert await service.authenticate("member@example.com", "y" * 128) is None


async def test_members_cannot_set_passwords_or_disable_users(crm_member_client, crm_admin):
    admin_id = crm_admin[0].id
    assert (await crm_member_client.put(f"/api/v1/users/{admin_id}/password",
                                        json={"password": "taking over now"})).status_code == 403
    assert (await crm_member_client.patch(f"/api/v1/users/{admin_id}", json={"is_active": False})).status_code == 403
    assert (await crm_member_client.get("/api/v1/users")).status_code == 403


async def test_disabling_revokes_tokens_and_enabling_does_not_bring_them_back(crm_client, crm_running_app,
                                                                               crm_member):
    member, token = crm_member
    async with client_for(crm_running_app, token) as member_client:
        assert (await member_client.get("/api/v1/contacts")).status_code == 200
        disabled = await crm_client.patch(f"/api/v1/users/{member.id}", json={"is_active": False})
        assert disabled.status_code == 200 and disabled.json()["is_active"] is False
        assert (await member_client.get("/api/v1/contacts")).status_code == 401
        enabled = await crm_client.patch(f"/api/v1/users/{member.id}", json={"is_active": True})
        assert enabled.json()["is_active"] is True
        assert (await member_client.get("/api/v1/contacts")).status_code == 401
    assert await _audit_actions(member.id) == ["enable", "disable", "create"]


async def test_an_admin_cannot_disable_themself(crm_client, crm_admin):
    response = await crm_client.patch(f"/api/v1/users/{crm_admin[0].id}", json={"is_active": False})
    assert response.status_code == 422
    assert "yourself" in response.json()["errors"]["is_active"]


async def test_role_and_team_changes_are_audited(crm_client, crm_member):
    response = await crm_client.patch(f"/api/v1/users/{crm_member[0].id}", json={"role": "manager", "team": "Ops"})
    assert response.status_code == 200
    assert response.json()["role"] == "manager" and response.json()["team"] == "Ops"
    [entry] = [entry for entry in await history("user", crm_member[0].id) if entry["action"] == "update"]
    assert entry["changes"]["role"] == {"from": "member", "to": "manager"}
    assert entry["changes"]["team"]["to"] == "Ops"


async def test_unknown_users_are_404s(crm_client):
    assert (await crm_client.patch("/api/v1/users/9999", json={"is_active": False})).status_code == 404
    assert (await crm_client.put("/api/v1/users/9999/password", json={"password": "plum tree rain"})).status_code == 404
