"""A plugin's record kind gets the trash from the pipeline, declaring nothing: the vet
plugin's pets (tests/plugins/crm-vet) go there with what points at them and come back."""

from __future__ import annotations

import pytest


@pytest.fixture
def crm_plugins():
    return ["vet"]


@pytest.mark.exercises("crm_record_kinds")
async def test_a_deleted_pet_comes_back_with_its_keeper_tags_custom_values_and_timeline(crm_client):
    keeper = (await crm_client.post("/api/v1/contacts", json={"given_name": "Kim"})).json()
    pet = (await crm_client.post("/api/v1/vet/pets", json={
        "name": "Rex", "species": "cat", "keeper_id": keeper["id"], "tags": ["indoor"],
        "custom": {"vet_chip_number": "981000123"}})).json()
    visit = (await crm_client.post("/api/v1/activities", json={
        "type": "note", "subject": "Vaccinated", "links": [{"record_type": "vet.pet", "record_id": pet["id"]}]})).json()

    assert (await crm_client.delete(f"/api/v1/vet/pets/{pet['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/activities/{visit['id']}")).json()["links"] == []
    [entry] = (await crm_client.get("/api/v1/trash", params={"kind": "vet.pet"})).json()["items"]
    assert (entry["title"], entry["record_id"]) == ("Rex", pet["id"])

    response = await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")
    assert response.status_code == 200, response.text
    assert response.json()["url"] == f"/vet/pets/{pet['id']}"
    back = (await crm_client.get(f"/api/v1/vet/pets/{pet['id']}")).json()
    assert (back["keeper_id"], back["tags"], back["custom"]) == (keeper["id"], ["indoor"], {"vet_chip_number": "981000123"})
    links = (await crm_client.get(f"/api/v1/activities/{visit['id']}")).json()["links"]
    assert [(link["record_type"], link["record_id"]) for link in links] == [("vet.pet", pet["id"])]
    hits = (await crm_client.get("/api/v1/search", params={"q": "rex"})).json()["items"]
    assert [(hit["kind"], hit["id"]) for hit in hits] == [("vet.pet", pet["id"])]


async def test_a_restored_keeper_is_the_keeper_of_their_pets_again(crm_client):
    keeper = (await crm_client.post("/api/v1/contacts", json={"given_name": "Kim"})).json()
    pet = (await crm_client.post("/api/v1/vet/pets", json={"name": "Rex", "keeper_id": keeper["id"]})).json()
    await crm_client.delete(f"/api/v1/contacts/{keeper['id']}")
    assert (await crm_client.get(f"/api/v1/vet/pets/{pet['id']}")).json()["keeper_id"] is None

    items = (await crm_client.get("/api/v1/trash", params={"kind": "contact"})).json()["items"]
    assert (await crm_client.post(f"/api/v1/trash/{items[0]['id']}/restore")).status_code == 200
    assert (await crm_client.get(f"/api/v1/vet/pets/{pet['id']}")).json()["keeper_id"] == keeper["id"]


async def test_a_plugins_access_conditions_hide_its_records_in_the_trash_too(crm_client, crm_running_app, crm_make_user):
    from crm_platform.testing import client_for

    member, token = await crm_make_user("nurse@example.com")
    for fields in ({"name": "Shadow", "sensitive": True}, {"name": "Plain"}):
        pet = (await crm_client.post("/api/v1/vet/pets", json={**fields, "owner_id": member.id})).json()
        assert (await crm_client.delete(f"/api/v1/vet/pets/{pet['id']}")).status_code == 204
    entries = (await crm_client.get("/api/v1/trash", params={"kind": "vet.pet"})).json()["items"]
    assert sorted(entry["title"] for entry in entries) == ["Plain", "Shadow"]
    shadow = next(entry for entry in entries if entry["title"] == "Shadow")
    async with client_for(crm_running_app, token) as nurse:
        listed = (await nurse.get("/api/v1/trash")).json()["items"]
        assert [entry["title"] for entry in listed] == ["Plain"]
        assert (await nurse.post(f"/api/v1/trash/{shadow['id']}/restore")).status_code == 404


async def test_a_contact_is_deleted_and_restored_while_a_plugin_has_no_table_yet(crm_client):
    # An installed plugin whose migration has not run (or whose tables were purged) has no
    # rows pointing at the contact: the delete keeps what exists instead of failing.
    from crm_platform.toolkit import execute

    keeper = (await crm_client.post("/api/v1/contacts", json={"given_name": "Kim"})).json()
    await execute("ALTER TABLE vet_pet RENAME TO vet_pet_away")
    try:
        assert (await crm_client.delete(f"/api/v1/contacts/{keeper['id']}")).status_code == 204
        [entry] = (await crm_client.get("/api/v1/trash", params={"kind": "contact"})).json()["items"]
        assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code == 200
        assert (await crm_client.get(f"/api/v1/contacts/{keeper['id']}")).json()["given_name"] == "Kim"
    finally:
        await execute("ALTER TABLE vet_pet_away RENAME TO vet_pet")
