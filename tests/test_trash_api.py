"""The trash through the REST API: every kind deleted, gone from reads and search, listed in
the trash, restored with what pointed at it; who sees what; purging; conflicts."""

from __future__ import annotations

import datetime as dt

import pytest

from crm_platform import toolkit
from crm_platform.testing import client_for


async def made(client, path, **body):
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
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


async def test_a_deleted_company_comes_back_with_its_subsidiaries_and_custom_values(crm_client):
    parent = await made(crm_client, "/api/v1/companies", name="Globex", tags=["key account"])
    child = await made(crm_client, "/api/v1/companies", name="Globex Labs", parent_id=parent["id"])
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada", company_ids=[parent["id"]])
    await made(crm_client, "/api/v1/activities", type="meeting", subject="Kick-off",
               links=[{"record_type": "company", "record_id": parent["id"]}])

    assert (await crm_client.delete(f"/api/v1/companies/{parent['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/companies/{child['id']}")).json()["parent_id"] is None
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()["companies"] == []
    assert await found_by_search(crm_client, "Globex") == [("company", child["id"])]

    response = await restore(crm_client, await entry_for(crm_client, "company", parent["id"]))
    assert response.status_code == 200, response.text
    assert (await crm_client.get(f"/api/v1/companies/{child['id']}")).json()["parent_id"] == parent["id"]
    assert (await crm_client.get(f"/api/v1/companies/{parent['id']}")).json()["tags"] == ["key account"]
    assert [c["name"] for c in (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).json()["companies"]] == ["Globex"]
    timeline = (await crm_client.get(f"/api/v1/companies/{parent['id']}/timeline")).json()["items"]
    assert [item["title"] for item in timeline] == ["Kick-off"]
    assert sorted(await found_by_search(crm_client, "Globex")) == [("company", parent["id"]), ("company", child["id"])]


async def test_a_deleted_activity_comes_back_on_every_timeline_it_was_on(crm_client):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada")
    acme = await made(crm_client, "/api/v1/companies", name="Acme")
    note = await made(crm_client, "/api/v1/activities", type="note", subject="Prefers mornings",
                      participant_ids=[ada["id"]], links=[{"record_type": "company", "record_id": acme["id"]}])

    assert (await crm_client.delete(f"/api/v1/activities/{note['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/activities/{note['id']}")).status_code == 404
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}/timeline")).json()["items"] == []
    entry = await entry_for(crm_client, "activity", note["id"])
    assert entry["title"] == "Prefers mornings"

    assert (await restore(crm_client, entry)).status_code == 200
    back = (await crm_client.get(f"/api/v1/activities/{note['id']}")).json()
    assert back["participant_ids"] == [ada["id"]]
    assert {(link["record_type"], link["record_id"]) for link in back["links"]} == {
        ("contact", ada["id"]), ("company", acme["id"])}
    for path in (f"/api/v1/contacts/{ada['id']}/timeline", f"/api/v1/companies/{acme['id']}/timeline"):
        assert [item["title"] for item in (await crm_client.get(path)).json()["items"]] == ["Prefers mornings"]


async def test_an_activity_restored_after_its_contact_was_deleted_leaves_that_link_out(crm_client):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada")
    bob = await made(crm_client, "/api/v1/contacts", given_name="Bob")
    call = await made(crm_client, "/api/v1/activities", type="call", subject="Both", participant_ids=[ada["id"], bob["id"]])
    await crm_client.delete(f"/api/v1/activities/{call['id']}")
    await crm_client.delete(f"/api/v1/contacts/{bob['id']}")

    assert (await restore(crm_client, await entry_for(crm_client, "activity", call["id"]))).status_code == 200
    assert (await crm_client.get(f"/api/v1/activities/{call['id']}")).json()["participant_ids"] == [ada["id"]]


async def test_a_deleted_relationship_comes_back(crm_client):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada")
    acme = await made(crm_client, "/api/v1/companies", name="Acme")
    link = await made(crm_client, "/api/v1/relationships", type="works_at", role="CTO",
                      source={"type": "contact", "id": ada["id"]}, target={"type": "company", "id": acme["id"]})

    assert (await crm_client.delete(f"/api/v1/relationships/{link['id']}")).status_code == 204
    assert (await crm_client.get(f"/api/v1/relationships/{link['id']}")).status_code == 404
    entry = await entry_for(crm_client, "relationship", link["id"])
    assert entry["title"] == "Ada works at Acme"

    response = await restore(crm_client, entry)
    assert response.status_code == 200, response.text
    assert response.json()["url"] == f"/contacts/{ada['id']}"
    back = (await crm_client.get(f"/api/v1/relationships/{link['id']}")).json()
    assert (back["label"], back["role"], back["target"]["name"]) == ("works at", "CTO", "Acme")


async def test_a_relationship_whose_end_is_deleted_is_restored_with_that_end(crm_client):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada")
    acme = await made(crm_client, "/api/v1/companies", name="Acme")
    link = await made(crm_client, "/api/v1/relationships", type="works_at",
                      source={"type": "contact", "id": ada["id"]}, target={"type": "company", "id": acme["id"]})
    await crm_client.delete(f"/api/v1/relationships/{link['id']}")
    await crm_client.delete(f"/api/v1/companies/{acme['id']}")

    response = await restore(crm_client, await entry_for(crm_client, "relationship", link["id"]))
    assert response.status_code == 409
    assert response.json()["detail"].endswith(f"its target, company {acme['id']}, is deleted; restore that first")
    assert (await restore(crm_client, await entry_for(crm_client, "company", acme["id"]))).status_code == 200
    assert (await restore(crm_client, await entry_for(crm_client, "relationship", link["id"]))).status_code == 200


async def test_restoring_a_contact_whose_email_was_taken_is_a_409_naming_the_field(crm_client):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada", emails=[{"address": "ada@example.com"}])
    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    other = await made(crm_client, "/api/v1/contacts", given_name="Other Ada", emails=[{"address": "ada@example.com"}])

    response = await restore(crm_client, await entry_for(crm_client, "contact", ada["id"]))
    assert response.status_code == 409
    body = response.json()
    assert body["field"] == "primary_email" and body["existing_id"] == other["id"]
    assert "its primary_email ada@example.com now belongs to contact" in body["detail"]
    listed = (await crm_client.get("/api/v1/contacts")).json()["items"]
    assert [item["display_name"] for item in listed] == ["Other Ada"]
    assert [item["record_id"] for item in await trash_of(crm_client)] == [ada["id"]]


async def test_a_record_whose_id_was_taken_since_comes_back_under_a_new_one(crm_client):
    first = await made(crm_client, "/api/v1/contacts", given_name="Zed")
    await made(crm_client, "/api/v1/activities", type="note", subject="About Zed", participant_ids=[first["id"]])
    await crm_client.delete(f"/api/v1/contacts/{first['id']}")
    newcomer = await made(crm_client, "/api/v1/contacts", given_name="Yan")
    entry = await entry_for(crm_client, "contact", first["id"])
    response = await restore(crm_client, entry)
    assert response.status_code == 200, response.text
    record_id = response.json()["record_id"]
    if newcomer["id"] == first["id"]:  # SQLite gives a deleted last id out again
        assert record_id != first["id"]
    assert (await crm_client.get(f"/api/v1/contacts/{record_id}")).json()["display_name"] == "Zed"
    timeline = (await crm_client.get(f"/api/v1/contacts/{record_id}/timeline")).json()["items"]
    assert [item["title"] for item in timeline] == ["About Zed"]
    assert (await crm_client.get(f"/api/v1/contacts/{newcomer['id']}")).json()["display_name"] == "Yan"


async def test_members_see_only_their_teams_trash(crm_running_app, crm_member_client, crm_manager_client, crm_make_user):
    mine = await made(crm_member_client, "/api/v1/contacts", given_name="Team record")
    await crm_member_client.delete(f"/api/v1/contacts/{mine['id']}")
    _, outsider_token = await crm_make_user("outsider@example.com", team="Other team")
    async with client_for(crm_running_app, outsider_token) as outsider:
        theirs = await made(outsider, "/api/v1/contacts", given_name="Other record")
        await outsider.delete(f"/api/v1/contacts/{theirs['id']}")
        assert [item["title"] for item in await trash_of(outsider)] == ["Other record"]
        [entry] = [item for item in await trash_of(crm_manager_client) if item["title"] == "Team record"]
        assert (await restore(outsider, entry)).status_code == 404
        assert (await outsider.delete(f"/api/v1/trash/{entry['id']}")).status_code == 403
    assert [item["title"] for item in await trash_of(crm_member_client)] == ["Team record"]
    assert sorted(item["title"] for item in await trash_of(crm_manager_client)) == ["Other record", "Team record"]
    assert (await restore(crm_member_client, entry)).status_code == 200


async def test_a_manager_purges_an_entry_for_good(crm_client, crm_manager_client):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada")
    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    entry = await entry_for(crm_manager_client, "contact", ada["id"])
    assert (await crm_manager_client.delete(f"/api/v1/trash/{entry['id']}")).status_code == 204
    assert await trash_of(crm_client) == []
    assert (await restore(crm_client, entry)).status_code == 404


async def test_the_trash_is_listed_newest_first_in_keyset_pages_by_kind(crm_client):
    for name in ("One", "Two", "Three"):
        record = await made(crm_client, "/api/v1/contacts", given_name=name)
        await crm_client.delete(f"/api/v1/contacts/{record['id']}")
    acme = await made(crm_client, "/api/v1/companies", name="Acme")
    await crm_client.delete(f"/api/v1/companies/{acme['id']}")
    first = (await crm_client.get("/api/v1/trash", params={"kind": "contact", "limit": 2})).json()
    assert [item["title"] for item in first["items"]] == ["Three", "Two"]
    second = (await crm_client.get("/api/v1/trash", params={"kind": "contact", "limit": 2,
                                                            "cursor": first["next_cursor"]})).json()
    assert [item["title"] for item in second["items"]] == ["One"] and second["next_cursor"] is None
    assert [item["title"] for item in await trash_of(crm_client, kind="company")] == ["Acme"]
    assert (await crm_client.get("/api/v1/trash", params={"cursor": "nonsense"})).status_code == 422


async def test_the_purge_job_removes_entries_after_the_keep_period(crm_client, crm_clock, crm_run_jobs):
    crm_clock.set(dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC))
    await toolkit.set_setting("core", "trash_keep_days", 10)
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada")
    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    entry = await entry_for(crm_client, "contact", ada["id"])
    assert entry["expires"].startswith("2030-05-11T09:00")

    crm_clock.set(dt.datetime(2030, 5, 11, 8, 7, tzinfo=dt.UTC))
    outcomes = [o for o in await crm_run_jobs() if o.job_name == "core.trash_purge"]
    assert [o.ok for o in outcomes] == [True]
    assert [item["id"] for item in await trash_of(crm_client)] == [entry["id"]]

    crm_clock.set(dt.datetime(2030, 5, 11, 9, 7, tzinfo=dt.UTC))
    assert [o.ok for o in await crm_run_jobs() if o.job_name == "core.trash_purge"] == [True]
    assert await trash_of(crm_client) == []


async def test_deleting_and_restoring_are_audited(crm_client):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada")
    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    await restore(crm_client, await entry_for(crm_client, "contact", ada["id"]))
    history = (await crm_client.get(f"/api/v1/contacts/{ada['id']}/history")).json()["items"]
    assert [item["action"] for item in history][:3] == ["restore", "delete", "create"]


@pytest.mark.parametrize("path", ["/api/v1/trash/999/restore"])
async def test_restoring_what_is_not_in_the_trash_is_a_404(crm_client, path):
    response = await crm_client.post(path)
    assert response.status_code == 404
    assert response.json()["detail"] == "trash entry 999 does not exist"


async def test_the_command_lists_restores_and_purges_the_trash(crm_client, crm_cli, crm_clock):
    ada = await made(crm_client, "/api/v1/contacts", given_name="Ada", family_name="Cli")
    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    entry = await entry_for(crm_client, "contact", ada["id"])

    listed = crm_cli("trash", "list")
    assert listed.exit_code == 0, listed.output
    assert f"{entry['id']}" in listed.output and "Ada Cli" in listed.output
    restored = crm_cli("trash", "restore", str(entry["id"]))
    assert restored.exit_code == 0, restored.output
    assert restored.output.strip() == f"restored contact {ada['id']} (Ada Cli)"
    assert (await crm_client.get(f"/api/v1/contacts/{ada['id']}")).status_code == 200
    missing = crm_cli("trash", "restore", str(entry["id"]))
    assert missing.exit_code == 1 and f"trash entry {entry['id']} does not exist" in missing.output

    await crm_client.delete(f"/api/v1/contacts/{ada['id']}")
    assert crm_cli("trash", "purge").output.strip() == "purged 0 expired entries"
    crm_clock.advance(days=31)
    assert crm_cli("trash", "purge").output.strip() == "purged 1 expired entry"
    assert crm_cli("trash", "list").output.strip() == "the trash is empty"


async def _contacts_deleted(client, count: int, start: int) -> None:
    for number in range(start, start + count):
        record = await made(client, "/api/v1/contacts", given_name=f"Gone{number}")
        assert (await client.delete(f"/api/v1/contacts/{record['id']}")).status_code == 204


async def test_a_trash_page_of_30_runs_as_many_statements_as_a_page_of_3(crm_client, crm_engine):
    from tests.test_query_counts import statements_for

    await _contacts_deleted(crm_client, 3, 0)
    few = await statements_for(crm_engine, lambda: crm_client.get("/api/v1/trash"))
    await _contacts_deleted(crm_client, 27, 3)
    many = await statements_for(crm_engine, lambda: crm_client.get("/api/v1/trash"))
    assert many == few


async def test_deleting_and_restoring_run_as_many_statements_for_10_links_as_for_1(crm_client, crm_engine):
    async def cycle(links: int, run: int) -> tuple[int, int]:
        person = await made(crm_client, "/api/v1/contacts", given_name=f"Linked{links}-{run}")
        for number in range(links):
            await made(crm_client, "/api/v1/activities", type="note", subject=f"Note {number}",
                       participant_ids=[person["id"]])
            other = await made(crm_client, "/api/v1/contacts", given_name=f"Colleague{links}-{run}-{number}")
            await made(crm_client, "/api/v1/relationships", type="reports_to",
                       source={"type": "contact", "id": other["id"]}, target={"type": "contact", "id": person["id"]})
        before = crm_engine.statements_run
        assert (await crm_client.delete(f"/api/v1/contacts/{person['id']}")).status_code == 204
        deleting = crm_engine.statements_run - before
        entry = await entry_for(crm_client, "contact", person["id"])
        before = crm_engine.statements_run
        assert (await restore(crm_client, entry)).status_code == 200
        return deleting, crm_engine.statements_run - before

    async def fewest(links: int) -> tuple[int, ...]:
        # The fewest of two runs: the plugin state is re-read now and then by whichever request comes.
        runs = [await cycle(links, run) for run in range(2)]
        return tuple(min(counts) for counts in zip(*runs, strict=True))

    assert await fewest(10) == await fewest(1)
