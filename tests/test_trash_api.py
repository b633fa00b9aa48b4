"""The trash through the REST API: every kind deleted, gone from reads and search, listed in
the trash, restored with what pointed at it; who sees what; purging; conflicts."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform import toolkit
from crm_platform.testing import client_for


async def made(client, path, **body):
    response = await client.post(path, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def trash_of(client, **params):
    response = await client.get("/api/v1/trash", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def entry_for(client, kind, record_id):
    [entry] = [item for item in await trash_of(client, kind=kind) if item["record_id"] == record_id]
    return entry


async def restore(client, entry):
    return await client.post(f"/api/v1/trash/{entry['id']}/restore")


async def found_by_search(client, text):
    response = await client.get("/api/v1/search", params={"q": text})
    assert response.status_code == 200, response.text
    return [(hit["kind"], hit["id"]) for hit in response.json()["items"]]


async def test_a_deleted_contact_comes_back_with_its_links(crm_client):
    acme = await made(crm_client, "/api/v1/companies", name="Acme")
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada", family_name="Quartz",
                     emails=[{"address": "ada@example.com"}], tags=["vip"], company_ids=[acme["id"]])
    bob = await made(crm_client, "/api/v1/contacts", given_name="Bob")
    await made(crm_client, "/api/v1/relationships", type="reports_to",
               source={"type": "contact", "id": bob["id"]}, target={"type": "contact", "id": ada["id"]})
    call, = [await made(crm_client, "/api/v1/activities", type="call", subject="Quarterly call",
                        participant_ids=[ada["id"], bob["id"]])]
    assert await found_by_search(crm_client, "Quartz") == [("contact", ada["id"])]

    assert (await crm_client.delete(f"/api/v1/contacts/{ada['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).status_code == 404
    assert await found_by_search(crm_client, "Quartz") == []
    assert (await crm_client.get(f"/api/v1/activities/{call['id']}")).json()["participant_ids"] == [bob["id"]]
    entry = await entry_for(crm_client, "contact", ada["id"])
    assert entry["title"] == "Ada Quartz"

    response = await restore(crm_client, entry)
    assert response.status_code == 200, response.text
    assert response.json() == {"kind": "contact", "record_id": ada["id"], "title": "Ada Quartz",
                               "url": f"/contacts/{ada['id']}"}
    back = (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()
    assert back["tags"] == ["vip"] and back["primary_email"] == "ada@example.com"
    assert [company["name"] for company in back["companies"]] == ["Acme"]
    assert await found_by_search(crm_client, "Quartz") == [("contact", ada["id"])]
    participants = (await crm_client.get(f"/api/v1/activities/{call['id']}")).json()["participant_ids"]
    assert sorted(participants) == sorted([ada["id"], bob["id"]])
    timeline = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/timeline")).json()["items"]
    assert [item["title"] for item in timeline] == ["Quarterly call"]
    related = (await crm_client.get("/api/v1/relationships", params={"record_type": "contact",
                                                                     "record_id": ada["id"]})).json()["items"]
    assert sorted(item["label"] for item in related) == ["manages", "works at"]
    tagged = (await crm_client.get("/api/v1/contacts", params={"tag": "vip"})).json()["items"]
    assert [item["id"] for item in tagged] == [ada["id"]]
    assert await trash_of(crm_client) == []
