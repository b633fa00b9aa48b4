"""The automation plugin's tests: an app with automation and sales, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import pytest_asyncio

from crm_platform.testing import signed_in


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["automation", "sales"]


@pytest.fixture
def make_workflow(crm_client: httpx.AsyncClient):
    """``await make_workflow(trigger=..., steps=[...], enabled=True)`` -> the workflow."""

    async def make(client: httpx.AsyncClient | None = None, **fields: Any) -> dict[str, Any]:
        body = {"name": "Workflow", "enabled": True, **fields}
        response = await (client or crm_client).post("/api/v1/automation/workflows", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def runs_of(crm_client: httpx.AsyncClient):
    """``await runs_of(workflow_id)`` -> the workflow's runs, newest first, with their steps."""

    async def read(workflow_id: int) -> list[dict[str, Any]]:
        response = await crm_client.get(f"/api/v1/automation/workflows/{workflow_id}/runs")
        assert response.status_code == 200, response.text
        return response.json()["items"]

    return read


@pytest.fixture
def tasks(crm_client: httpx.AsyncClient):
    """``await tasks()`` -> the tasks the admin sees."""

    async def read() -> list[dict[str, Any]]:
        response = await crm_client.get("/api/v1/tasks", params={"limit": 200})
        assert response.status_code == 200, response.text
        return response.json()["items"]

    return read


@pytest_asyncio.fixture
async def web_client(crm_running_app, crm_admin):
    async with signed_in(crm_running_app, crm_admin[0].email) as client:
        yield client


@pytest.fixture
def sign_in(crm_running_app):
    return lambda email: signed_in(crm_running_app, email)
