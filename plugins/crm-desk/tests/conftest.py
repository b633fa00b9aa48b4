"""The desk's tests: an app with the desk plugin, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio
from crm_platform.testing import signed_in

TICKETS = "/api/v1/desk/tickets"


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["desk"]


@pytest.fixture
def open_ticket(crm_client: httpx.AsyncClient):
    """``await open_ticket(client=None, **fields)`` -> the ticket as the API returns it."""

    async def make(client: httpx.AsyncClient | None = None, **fields: Any) -> dict[str, Any]:
        response = await (client or crm_client).post(TICKETS, json={"subject": "Printer is on fire", **fields})
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest_asyncio.fixture
async def web_client(crm_running_app, crm_admin):
    """The admin's browser-like client."""
    async with signed_in(crm_running_app, crm_admin[0].email) as client:
        yield client


@pytest.fixture
def sign_in(crm_running_app):
    """``async with sign_in(email) as client``: another agent's browser-like client."""
    return lambda email: signed_in(crm_running_app, email)
