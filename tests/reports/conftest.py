"""Two teams' records to report over, written through the API as their owners would."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from crm_hookspecs import Principal

from crm_platform.testing import client_for


@dataclass
class Person:
    principal: Principal
    client: httpx.AsyncClient


async def add_contact(client: httpx.AsyncClient, name: str, **fields) -> dict:
    response = await client.post("/api/v1/contacts", json={"given_name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


async def log(client: httpx.AsyncClient, type_: str, contact_id: int, **fields) -> dict:
    body = {"type": type_, "subject": f"{type_} with {contact_id}", "links": [
        {"record_type": "contact", "record_id": contact_id}], **fields}
    response = await client.post("/api/v1/activities", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def teams(crm_make_user, crm_running_app):
    """Ann and Ben in the North team, Cat in the South team, each with an API client."""
    people = {}
    for email, team in (("ann@example.com", "North"), ("ben@example.com", "North"), ("cat@example.com", "South")):
        principal, token = await crm_make_user(email, role="member", team=team)
        people[email.split("@")[0]] = Person(principal, client_for(crm_running_app, token))
    yield people
    for person in people.values():
        await person.client.aclose()


@pytest.fixture
def browse(crm_running_app):
    """``async with browse(email) as client:`` a client signed in through the login form."""
    import contextlib

    from tests.web.helpers import sign_in

    @contextlib.asynccontextmanager
    async def signed_in(email: str):
        async with client_for(crm_running_app) as client:
            response = await sign_in(client, email)
            assert response.status_code in (302, 303), response.text
            yield client

    return signed_in
