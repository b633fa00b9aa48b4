"""The real estate plugin's tests: an app with the plugin, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio
from crm_platform.testing import signed_in

PROPERTIES = "/api/v1/realestate/properties"


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["realestate"]


@pytest.fixture
def add_property(crm_client: httpx.AsyncClient):
    """``await add_property(address, client=None, **fields)`` -> the listing as the API returns it."""

    async def add(address: str = "1 Mill Lane", client: httpx.AsyncClient | None = None, **fields: Any) -> dict[str, Any]:
        body = {"address": address, "area": "Riverside", "type": "house", "price": 300000, **fields}
        response = await (client or crm_client).post(PROPERTIES, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return add


@pytest.fixture
def add_contact(crm_client: httpx.AsyncClient):
    """``await add_contact(name, client=None, **custom)`` -> the contact as the API returns it."""

    async def add(name: str = "Ada", client: httpx.AsyncClient | None = None, **custom: Any) -> dict[str, Any]:
        response = await (client or crm_client).post("/api/v1/contacts", json={"given_name": name, "custom": custom})
        assert response.status_code == 201, response.text
        return response.json()

    return add


@pytest_asyncio.fixture
async def web_client(crm_running_app, crm_admin):
    async with signed_in(crm_running_app, crm_admin[0].email) as client:
        yield client
