"""The duplicate scan and its review queue: a job pairs every contact by normalised email,
E.164 phone and similar name (companies by domain and name), the queue lists the pairs a
person may see with their reasons, a page at a time; a pair is merged (with the merge that
can be undone) or dismissed, and a dismissed pair stays dismissed through later scans."""

from __future__ import annotations

import pytest

from crm_platform.db.raw import fetch
from crm_platform.merges.scan import email_key
from crm_platform.testing import client_for


async def post(client, path, **body):
    response = await client.post(path, json=body)
    assert response.status_code in (200, 201, 202), response.text
    return response.json()


def test_an_email_is_compared_as_the_mailbox_it_reaches():
    assert email_key("Ada.Lovelace+crm@GMail.com") == "adalovelace@gmail.com"
    assert email_key("ada.lovelace@googlemail.com") == "adalovelace@gmail.com"
    assert email_key("ada.lovelace+news@example.com") == "ada.lovelace@example.com"  # dots matter elsewhere
    assert email_key("+only@example.com") == "+only@example.com"


async def _scan(client, crm_run_jobs, kind="contact"):
    started = await post(client, "/api/v1/duplicates/scans", kind=kind)
    assert started["status"] == "queued"
    await crm_run_jobs()
    return (await client.get(f"/api/v1/duplicates/scans/{started['id']}")).json()


async def _queue(client, kind="contact", **params):
    response = await client.get("/api/v1/duplicates/queue", params={"kind": kind, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_scan_pairs_contacts_by_mailbox_phone_and_similar_name(crm_client, crm_run_jobs):
    ada = await post(crm_client, "/api/v1/contacts", given_name="Ada", family_name="Lovelace",
                     emails=[{"address": "Ada.Lovelace+crm@gmail.com"}])
    twin = await post(crm_client, "/api/v1/contacts", given_name="Ada", family_name="Lovelace",
                      emails=[{"address": "adalovelace@googlemail.com"}], phones=[{"number": "+44 20 7946 0958"}])
    phoned = await post(crm_client, "/api/v1/contacts", given_name="Countess", family_name="Lovelace",
                        phones=[{"number": "+442079460958"}])
    named = await post(crm_client, "/api/v1/contacts", given_name="Grace", family_name="Hopper")
    initial = await post(crm_client, "/api/v1/contacts", given_name="Grace M.", family_name="Hopper")
    await post(crm_client, "/api/v1/contacts", given_name="Alan", family_name="Turing")
    scan = await _scan(crm_client, crm_run_jobs)
    assert (scan["status"], scan["records"], scan["pairs"]) == ("done", 6, 3)
    page = await _queue(crm_client)
    found = [(pair["first_id"], pair["second_id"], pair["reasons"]) for pair in page["items"]]
    assert found[0] == (ada["id"], twin["id"], ["same email", "similar name"])
    assert (twin["id"], phoned["id"], ["same phone"]) in found
    assert (named["id"], initial["id"], ["similar name"]) in found
    assert page["next_cursor"] is None


async def test_a_dismissed_pair_stays_dismissed_and_a_merged_one_leaves_the_queue(crm_client, crm_run_jobs):
    phone = [{"number": "+44 20 7946 0958"}]
    first = await post(crm_client, "/api/v1/contacts", given_name="Ada", phones=phone)
    second = await post(crm_client, "/api/v1/contacts", given_name="Countess", phones=phone)
    email = [{"address": "grace@example.com"}]
    grace = await post(crm_client, "/api/v1/contacts", given_name="Grace", emails=email)
    hopper = await post(crm_client, "/api/v1/contacts", given_name="G.", emails=[{"address": "Grace+x@example.com"}])
    await _scan(crm_client, crm_run_jobs)
    pairs = {(p["first_id"], p["second_id"]): p["id"] for p in (await _queue(crm_client))["items"]}
    assert set(pairs) == {(first["id"], second["id"]), (grace["id"], hopper["id"])}
    dismissed = await post(crm_client, f"/api/v1/duplicates/queue/{pairs[(first['id'], second['id'])]}/dismiss")
    assert dismissed["status"] == "dismissed"
    merged = await post(crm_client, "/api/v1/merges", kind="contact", survivor_id=grace["id"], other_id=hopper["id"])
    assert (await _queue(crm_client))["items"] == []
    await _scan(crm_client, crm_run_jobs)
    assert (await _queue(crm_client))["items"] == []
    statuses = await fetch("SELECT status, merge_id FROM crm_duplicate_pair ORDER BY id")
    assert statuses == [{"status": "dismissed", "merge_id": None}, {"status": "merged", "merge_id": merged["merge_id"]}]
    # Undone, the two are duplicates again: the next scan brings the pair back.
    await post(crm_client, f"/api/v1/merges/{merged['merge_id']}/undo")
    await _scan(crm_client, crm_run_jobs)
    assert [p["reasons"] for p in (await _queue(crm_client))["items"]] == [["same email"]]


async def test_the_queue_pages_by_score_and_shows_a_member_only_pairs_they_may_see(
    crm_running_app, crm_make_user, crm_run_jobs
):
    _, admin_token = await crm_make_user("boss@example.com", role="admin")
    _, north_token = await crm_make_user("north@example.com", team="north")
    _, south_token = await crm_make_user("south@example.com", team="south")
    async with (client_for(crm_running_app, admin_token) as admin, client_for(crm_running_app, north_token) as north,
                client_for(crm_running_app, south_token) as south):
        for number in range(5):
            phone = [{"number": f"+44 20 7946 09{number:02d}"}]
            await post(north, "/api/v1/contacts", given_name=f"N{number}", phones=phone)
            await post(north, "/api/v1/contacts", given_name=f"M{number}", phones=phone)
        await post(south, "/api/v1/contacts", given_name="S", phones=[{"number": "+44 20 7946 0900"}])
        refused = await south.post("/api/v1/duplicates/scans", json={"kind": "contact"})
        assert refused.status_code == 403
        await _scan(admin, crm_run_jobs)
        seen, cursor = [], ""
        while True:
            page = await _queue(north, limit=2, cursor=cursor)
            seen += [(p["first_title"], p["second_title"]) for p in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
        assert sorted(seen) == [(f"N{n}", f"M{n}") for n in range(5)]
        assert len(set(seen)) == 5
        assert (await _queue(south))["items"] == []
        pair_id = (await _queue(admin))["items"][0]["id"]
        assert (await south.post(f"/api/v1/duplicates/queue/{pair_id}/dismiss")).status_code == 404
        assert (await north.get("/api/v1/duplicates/queue", params={"cursor": "junk"})).status_code == 422


async def test_companies_are_paired_by_domain_and_name(crm_client, crm_run_jobs):
    await post(crm_client, "/api/v1/companies", name="Acme Ltd", domains=["acme.example"])
    await post(crm_client, "/api/v1/companies", name="ACME", domains=["acme.example"])
    await post(crm_client, "/api/v1/companies", name="acme  ltd")
    await _scan(crm_client, crm_run_jobs, "company")
    reasons = sorted(tuple(p["reasons"]) for p in (await _queue(crm_client, "company"))["items"])
    assert reasons == [("same domain",), ("same name",)]


@pytest.mark.parametrize("kind", ["activity", "deal"])
async def test_a_scan_of_another_kind_is_refused(crm_client, kind):
    response = await crm_client.post("/api/v1/duplicates/scans", json={"kind": kind})
    assert response.status_code == 422 and "contacts or companies" in response.text


async def test_the_command_line_scans_and_says_what_it_found(crm_client, crm_cli):
    phone = [{"number": "+44 20 7946 0958"}]
    await post(crm_client, "/api/v1/contacts", given_name="Ada", phones=phone)
    await post(crm_client, "/api/v1/contacts", given_name="Countess", phones=phone)
    result = crm_cli("duplicates", "scan", "--kind", "contact")
    assert result.exit_code == 0, result.output
    assert "scanned 2 contact records" in result.output
    assert "1 likely pairs, 1 to review at /duplicates?kind=contact" in result.output
