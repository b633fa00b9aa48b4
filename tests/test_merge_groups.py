"""Three or more duplicates merged into one at once: through the API and the command line, all
or none, each merge in the journal with its own undo."""

from __future__ import annotations


async def _contact(client, **body):
    response = await client.post("/api/v1/contacts", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def _group(client, survivor, others, **extra):
    return await client.post("/api/v1/merges/group", json={
        "kind": "contact", "survivor_id": survivor, "other_ids": others, **extra})


async def test_three_records_become_one_with_the_chosen_values_and_each_merge_undoes(crm_client):
    ada = await _contact(crm_client, given_name="Ada", emails=[{"address": "ada@example.com"}])
    second = await _contact(crm_client, given_name="Ada", job_title="Analyst", emails=[{"address": "a@example.org"}])
    third = await _contact(crm_client, given_name="Ada", job_title="Countess", tags=["board"])
    call = await crm_client.post("/api/v1/activities", json={
        "type": "call", "subject": "Third's call", "participant_ids": [third]})
    assert call.status_code == 201, call.text

    dry = await _group(crm_client, ada, [second, third], choices={"job_title": str(third)}, dry_run=True)
    assert dry.status_code == 200, dry.text
    assert [(item["merged_id"], item["merge_id"], item["dry_run"]) for item in dry.json()["merges"]] == [
        (second, None, True), (third, None, True)]
    assert (await crm_client.get(f"/api/v1/contacts/{third}")).status_code == 200

    done = await _group(crm_client, ada, [second, third], choices={"job_title": str(third)})
    assert done.status_code == 200, done.text
    merges = done.json()["merges"]
    assert [item["merged_id"] for item in merges] == [second, third]
    survivor = (await crm_client.get(f"/api/v1/contacts/{ada}")).json()
    assert survivor["job_title"] == "Countess"
    assert [email["address"] for email in survivor["emails"]] == ["ada@example.com", "a@example.org"]
    assert survivor["tags"] == ["board"]
    timeline = (await crm_client.get(f"/api/v1/contacts/{ada}/timeline")).json()["items"]
    assert [item["title"] for item in timeline] == ["Third's call"]
    for gone in (second, third):
        assert (await crm_client.get(f"/api/v1/contacts/{gone}")).status_code == 404

    undone = await crm_client.post(f"/api/v1/merges/{merges[1]['merge_id']}/undo")
    assert undone.status_code == 200, undone.text
    back = (await crm_client.get(f"/api/v1/contacts/{third}")).json()
    assert (back["job_title"], back["tags"]) == ("Countess", ["board"])
    assert (await crm_client.get(f"/api/v1/contacts/{second}")).status_code == 404


async def test_one_record_that_cannot_be_merged_stops_the_whole_group(crm_client, crm_member_client):
    mine = await _contact(crm_member_client, given_name="Bo")
    also_mine = await _contact(crm_member_client, given_name="Bo", job_title="Chef")
    not_mine = await _contact(crm_client, given_name="Bo", owner_id=None)
    refused = await _group(crm_member_client, mine, [also_mine, not_mine])
    assert refused.status_code in (403, 404), refused.text
    assert (await crm_member_client.get(f"/api/v1/contacts/{also_mine}")).json()["job_title"] == "Chef"
    assert (await crm_client.get(f"/api/v1/contacts/{not_mine}")).status_code == 200

    for others, field in (([], "other_ids"), ([mine], "other_ids"), ([also_mine, also_mine], "other_ids")):
        response = await _group(crm_member_client, mine, others)
        assert response.status_code == 422 and field in response.json()["errors"], response.text
    wrong_choice = await _group(crm_member_client, mine, [also_mine], choices={"job_title": "999"})
    assert wrong_choice.status_code == 422 and "choices.job_title" in wrong_choice.json()["errors"]
    assert (await crm_member_client.get(f"/api/v1/contacts/{also_mine}")).status_code == 200


async def test_the_command_line_merges_a_group(crm_client, crm_cli):
    ada = await _contact(crm_client, given_name="Ada")
    others = [await _contact(crm_client, given_name="Ada", job_title=title) for title in ("Analyst", "Countess")]
    done = crm_cli("contacts", "merge", str(ada), *map(str, others))
    assert done.exit_code == 0, done.output
    for other in others:
        assert f"contact {other} merged into {ada}" in done.output
        assert (await crm_client.get(f"/api/v1/contacts/{other}")).status_code == 404
    assert (await crm_client.get(f"/api/v1/contacts/{ada}")).json()["job_title"] == "Analyst"
