"""The conversations plugin's tests: an app with the plugin, on SQLite and PostgreSQL."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

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


