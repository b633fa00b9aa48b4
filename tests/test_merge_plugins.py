"""Plugins in a merge: a listener of crm_merge_links that fails stops the merge with nothing
written, and every plugin hears of a merge and its undo through events."""

from __future__ import annotations

import types

import pytest
from crm_hookspecs import hookimpl

HEARD: list = []
FAILING: list[bool] = []


def _strict() -> types.ModuleType:
    module = types.ModuleType("strict")

    @hookimpl
    async def crm_merge_links(merge):
        if FAILING:
            raise RuntimeError("the strict plugin cannot move its rows")
        HEARD.append("undo" if merge.undo is not None else "merge")
        return None if merge.undo is not None else {"rows": [1, 2]}

    @hookimpl
    def crm_event(event):
        HEARD.append(event.name)

    module.crm_merge_links = crm_merge_links
    module.crm_event = crm_event
    return module


@pytest.fixture
def crm_plugins():
    HEARD.clear()
    FAILING.clear()
    return [("strict", _strict())]


async def test_a_plugin_that_fails_to_move_its_rows_stops_the_merge(crm_client):
    FAILING.append(True)
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "tags": ["vip"]})).json()
    other = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada", "tags": ["board"]})).json()
    response = await crm_client.post(
        "/api/v1/merges", json={"kind": "contact", "survivor_id": ada["id"], "other_id": other["id"]}
    )
    assert response.status_code == 400
    assert response.json()["detail"] == f"plugin strict could not move its links to contact {other['id']}; nothing was merged"
    assert (await crm_client.get(f"/api/v1/contacts/{other['id']}")).json()["tags"] == ["board"]
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()["tags"] == ["vip"]
    assert "RecordsMerged" not in HEARD


@pytest.mark.exercises("crm_merge_links")
async def test_a_plugin_moves_its_rows_gets_its_undo_data_back_and_hears_both_events(crm_client):
    ada = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    other = (await crm_client.post("/api/v1/contacts", json={"given_name": "Ada"})).json()
    merged = (await crm_client.post(
        "/api/v1/merges", json={"kind": "contact", "survivor_id": ada["id"], "other_id": other["id"]}
    )).json()
    assert (await crm_client.post(f"/api/v1/merges/{merged['merge_id']}/undo")).status_code == 200
    assert [name for name in HEARD if name in ("merge", "undo", "RecordsMerged", "MergeUndone")] == [
        "merge", "RecordsMerged", "undo", "MergeUndone"]
