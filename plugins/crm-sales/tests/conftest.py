"""The sales plugin's tests: an app with the sales plugin, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio

from crm_platform.testing import client_for, signed_in


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["sales"]


@pytest.fixture
def make_deal(crm_client: httpx.AsyncClient):
    """``await make_deal(title=..., **fields)`` -> the created deal, as the API returns it."""

    async def make(client: httpx.AsyncClient | None = None, **fields: Any) -> dict[str, Any]:
        response = await (client or crm_client).post("/api/v1/sales/deals", json={"title": "Deal", **fields})
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest_asyncio.fixture
async def pipeline(crm_client: httpx.AsyncClient) -> dict[str, Any]:
    """The default pipeline, with its stages by name."""
    body = (await crm_client.get("/api/v1/sales/pipelines")).json()[0]
    return body | {"by_name": {stage["name"]: stage for stage in body["stages"]}}


@pytest_asyncio.fixture
async def member_client(crm_running_app, crm_make_user):
    principal, token = await crm_make_user("member@example.com", role="member", team="East")
    async with client_for(crm_running_app, token) as client:
        client.principal = principal
        yield client


@pytest_asyncio.fixture
async def web_client(crm_running_app, crm_admin):
    """The admin's browser-like client."""
    async with signed_in(crm_running_app, crm_admin[0].email) as client:
        yield client


@pytest.fixture
def sign_in(crm_running_app):
    """``async with sign_in(email) as client:`` a browser-like client of that user."""
    return lambda email: signed_in(crm_running_app, email)
