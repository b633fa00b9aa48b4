"""The conversations plugin's tests: an app with the plugin, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

sys.path.insert(0, str(Path(__file__).parent))  # the tests' helpers (mail.py)

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["conversations"]


@pytest.fixture
def make_contact(crm_client: httpx.AsyncClient):
    async def make(name: str, email: str | None = None, **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"display_name": name, **fields}
        if email:
            body["emails"] = [{"address": email, "label": "work"}]
        response = await crm_client.post("/api/v1/contacts", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return make




@pytest_asyncio.fixture
async def web_client(crm_running_app, crm_admin):
    """The admin's browser-like client, signed in through the login form; ``client.csrf(html)``
    reads a page's CSRF token."""
    from crm_platform.testing import DEFAULT_PASSWORD, client_for

    async with client_for(crm_running_app) as client:
        form = await client.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
        await client.post("/login", data={"email": crm_admin[0].email, "password": DEFAULT_PASSWORD,
                                          "_csrf_token": token, "next": "/"})
        client.csrf = lambda html: re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)
        yield client
