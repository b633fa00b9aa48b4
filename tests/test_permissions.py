"""Named permissions: the roles a plugin declares hold one by default, admins grant and revoke
it per role, and a plugin's route checks it through ``toolkit.require_permission``."""

from __future__ import annotations

import pytest

from crm_platform import runtime, toolkit
from crm_platform.audit import service as audit
from crm_platform.instance.permissions import UnknownPermission
from crm_platform.instance.plugins import set_enabled
from crm_platform.testing import client_for


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]


async def _grant(client, key: str, roles: list[str]):
    return await client.put(f"/api/v1/permissions/{key}", json={"roles": roles})


async def _listed(client, key: str) -> dict:
    return next(item for item in (await client.get("/api/v1/permissions")).json() if item["key"] == key)


async def test_the_declared_roles_and_admins_hold_a_permission_by_default(crm_running_app, crm_make_user):
    member, _ = await crm_make_user("member@example.com", role="member")
    manager, _ = await crm_make_user("manager@example.com", role="manager")
    admin, _ = await crm_make_user("admin@example.com", role="admin")
    assert await toolkit.has_permission(manager, "probe.export")
    assert await toolkit.has_permission(admin, "probe.export")
    assert not await toolkit.has_permission(member, "probe.export")


async def test_listing_shows_each_permission_with_its_defaults_and_current_roles(crm_client):
    listed = await _listed(crm_client, "probe.export")
    assert listed == {"plugin": "probe", "key": "probe.export", "label": "Export probe notes",
                      "default_roles": ["admin", "manager"], "roles": ["admin", "manager"], "chosen": False}


async def test_a_member_is_refused_until_the_permission_is_granted_to_members(crm_client, crm_running_app,
                                                                              crm_make_user):
    _, token = await crm_make_user("member@example.com", role="member")
    async with client_for(crm_running_app, token) as member:
        refused = await member.get("/api/v1/probe/export")
        assert refused.status_code == 403
        assert "you need the permission 'probe.export'" in refused.json()["detail"]
        granted = await _grant(crm_client, "probe.export", ["admin", "manager", "member"])
        assert granted.status_code == 200, granted.text
        assert granted.json()["roles"] == ["admin", "manager", "member"] and granted.json()["chosen"] is True
        allowed = await member.get("/api/v1/probe/export")
        assert allowed.status_code == 200
        assert allowed.json() == {"notes": 0}


async def test_revoking_a_permission_from_a_role_refuses_that_role(crm_client, crm_running_app, crm_make_user):
    _, token = await crm_make_user("manager@example.com", role="manager")
    assert (await _grant(crm_client, "probe.export", ["admin"])).status_code == 200
    async with client_for(crm_running_app, token) as manager:
        assert (await manager.get("/api/v1/probe/export")).status_code == 403
    assert (await _listed(crm_client, "probe.export"))["roles"] == ["admin"]


async def test_admins_can_revoke_a_permission_from_admins_too(crm_client):
    assert (await _grant(crm_client, "probe.export", ["manager"])).status_code == 200
    response = await crm_client.get("/api/v1/probe/export")
    assert response.status_code == 403


async def test_an_unknown_permission_or_role_is_refused_naming_it(crm_client):
    response = await _grant(crm_client, "probe.exprt", ["admin"])
    assert response.status_code == 404
    assert "no enabled plugin declares permission 'probe.exprt' (declared: probe.export)" in response.json()["detail"]
    response = await _grant(crm_client, "probe.export", ["admin", "owner"])
    assert response.status_code == 422
    assert response.json()["errors"] == {"roles": "'owner' is not a role; roles are admin, manager, member"}
    assert (await _listed(crm_client, "probe.export"))["chosen"] is False


async def test_checking_a_misspelled_permission_fails_loudly(crm_running_app, crm_make_user):
    member, _ = await crm_make_user("member@example.com", role="member")
    with pytest.raises(UnknownPermission, match="no installed plugin declares permission 'probe.exprt'"):
        await toolkit.has_permission(member, "probe.exprt")


@pytest.mark.parametrize("role", ["member", "manager"])
async def test_only_admins_change_permissions(crm_running_app, crm_make_user, role):
    _, token = await crm_make_user(f"{role}@example.com", role=role)
    async with client_for(crm_running_app, token) as client:
        response = await _grant(client, "probe.export", ["admin", "manager", "member"])
        assert response.status_code == 403
        assert (await _listed(client, "probe.export"))["chosen"] is False


async def test_a_disabled_plugins_permission_is_held_by_nobody(crm_running_app, crm_make_user):
    admin, _ = await crm_make_user("admin@example.com", role="admin")
    await set_enabled(runtime.current().host, "probe", False)
    assert not await toolkit.has_permission(admin, "probe.export")


async def test_a_grant_is_recorded_in_the_audit_log(crm_client, crm_admin):
    await _grant(crm_client, "probe.export", ["member", "admin"])
    [entry] = await audit.history("permission", 0)
    assert entry["actor_id"] == crm_admin[0].id
    assert entry["changes"] == {"permission": "probe.export",
                                "roles": {"from": ["admin", "manager"], "to": ["admin", "member"]}}
