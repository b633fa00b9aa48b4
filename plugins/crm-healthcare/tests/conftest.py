"""The healthcare plugin's tests: an app with the plugin, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio
from crm_platform.testing import client_for, signed_in


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["healthcare"]


@pytest.fixture
def make_patient(crm_client: httpx.AsyncClient):
    """``await make_patient(given_name=..., client=..., **custom)`` -> the contact, as the API returns it."""

    async def make(client: httpx.AsyncClient | None = None, given_name: str = "Pat", **custom: Any) -> dict[str, Any]:
        custom = {"healthcare_member_id": "MEM-123456", "healthcare_insurer": "Acme Health"} | custom
        response = await (client or crm_client).post(
            "/api/v1/contacts", json={"given_name": given_name, "family_name": "Test", "custom": custom})
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest_asyncio.fixture
async def clinician(crm_client, crm_running_app, crm_make_user):
    """A manager in the team "Clinic" who holds healthcare.clinical (granted to managers)."""
    granted = await crm_client.put("/api/v1/permissions/healthcare.clinical", json={"roles": ["admin", "manager"]})
    assert granted.status_code == 200, granted.text
    principal, token = await crm_make_user("doc@example.com", role="manager", team="Clinic")
    async with client_for(crm_running_app, token) as client:
        client.principal = principal
        yield client


@pytest_asyncio.fixture
async def receptionist(crm_running_app, crm_make_user):
    """A member in the team "Clinic", without healthcare.clinical."""
    principal, token = await crm_make_user("desk@example.com", role="member", team="Clinic")
    async with client_for(crm_running_app, token) as client:
        client.principal = principal
        yield client


@pytest.fixture
def sign_in(crm_running_app):
    return lambda email: signed_in(crm_running_app, email)


@pytest_asyncio.fixture
async def web_client(crm_running_app, crm_admin):
    """The admin's browser-like client."""
    async with signed_in(crm_running_app, crm_admin[0].email) as client:
        yield client
