"""The retail plugin's tests: an app with the retail plugin, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from crm_platform.testing import signed_in

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["retail"]


@pytest.fixture
def make_contact(crm_client: httpx.AsyncClient):
    """``await make_contact("Ada", email=...)`` -> the contact, as the API returns it."""

    async def make(name: str = "Ada", email: str | None = None, client: httpx.AsyncClient | None = None) -> dict:
        body: dict[str, Any] = {"given_name": name}
        if email:
            body["emails"] = [{"address": email}]
        response = await (client or crm_client).post("/api/v1/contacts", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def make_order(crm_client: httpx.AsyncClient):
    """``await make_order(contact_id, number, lines=..., **fields)`` -> the order."""

    async def make(contact_id: int, number: str = "1001", lines: list | None = None,
                   client: httpx.AsyncClient | None = None, **fields: Any) -> dict:
        body = {"number": number, "contact_id": contact_id, "currency": "EUR",
                "lines": lines or [{"product": "Mug", "quantity": 2, "unit_price": "12.50"}], **fields}
        response = await (client or crm_client).post("/api/v1/retail/orders", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest_asyncio.fixture
async def web_client(crm_running_app, crm_admin):
    async with signed_in(crm_running_app, crm_admin[0].email) as client:
        yield client
