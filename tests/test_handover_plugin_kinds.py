"""A hand-over takes in every registered kind, whatever its owner column is called."""

from __future__ import annotations

import pytest

from crm_platform.db.raw import fetch
from crm_platform.testing import client_for


@pytest.fixture
def crm_plugins() -> list[str]:
    return ["probe"]  # its notes are owned through ``author_id``


async def test_a_plugins_kind_is_handed_over_through_its_own_owner_column(crm_client, crm_running_app,
                                                                          crm_make_user):
    leaving, token = await crm_make_user("leaving@example.com", role="manager")
    heir, _ = await crm_make_user("heir@example.com")
    contact = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ann"})).json()
    async with client_for(crm_running_app, token) as leaving_client:
        note = await leaving_client.post("/api/v1/probe/notes", json={"contact_id": contact["id"], "text": "Tea"})
    assert note.status_code == 201, note.text
    response = await crm_client.post(f"/api/v1/users/{leaving.id}/hand-over", json={"to_user_id": heir.id})
    assert response.json()["moved"] == {"probe.note": 1}
    assert await fetch("SELECT author_id FROM probe_note") == [{"author_id": heir.id}]
