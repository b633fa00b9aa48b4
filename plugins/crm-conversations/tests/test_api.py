"""The REST API: messages page by page, one, deleted to the trash and restored; the ledger;
the unknown-sender queue."""

from __future__ import annotations

import pytest
from mail import eml, mbox

from crm_platform.toolkit import commit_import, start_import

pytestmark = pytest.mark.postgres


async def _import(principal, tmp_path, *messages):
    path = tmp_path / "mail.mbox"
    path.write_bytes(mbox(*messages))
    run = await start_import(principal, path, "conversations.message")
    return await commit_import(principal, run["id"])


async def test_messages_list_read_delete_and_restore(crm_client, crm_admin, tmp_path):
    await _import(crm_admin[0], tmp_path, *(eml(f"<a{n}@example.org>", subject=f"Note {n}") for n in range(3)),
                  eml("<l@lists.example>", extra="Precedence: list"))
    first = (await crm_client.get("/api/v1/conversations/messages", params={"limit": 2})).json()
    assert [item["subject"] for item in first["items"]] == ["Note 2", "Note 1"] and first["next_cursor"]
    rest = (await crm_client.get("/api/v1/conversations/messages",
                                 params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [item["subject"] for item in rest["items"]] == ["Note 0"] and rest["next_cursor"] is None
    one = (await crm_client.get(f"/api/v1/conversations/messages/{rest['items'][0]['id']}")).json()
    assert one["message_id"] == "a0@example.org" and one["sent_tz"] == "+02:00"
    bad = await crm_client.get("/api/v1/conversations/messages", params={"cursor": "nonsense"})
    assert bad.status_code == 422 and "cursor" in bad.text

    deleted = await crm_client.delete(f"/api/v1/conversations/messages/{one['id']}")
    assert deleted.status_code == 204
    assert (await crm_client.get(f"/api/v1/conversations/messages/{one['id']}")).status_code == 404
    trash = (await crm_client.get("/api/v1/trash")).json()
    entry = next(item for item in trash["items"] if item["kind"] == "conversations.message")
    assert (await crm_client.post(f"/api/v1/trash/{entry['id']}/restore")).status_code in (200, 201)
    assert (await crm_client.get(f"/api/v1/conversations/messages/{one['id']}")).status_code == 200

    ledger = (await crm_client.get("/api/v1/conversations/ledger", params={"q": "l@lists.example"})).json()
    assert ledger[0]["outcome"] == "skip" and "Precedence: list" in ledger[0]["reason"]


async def test_the_unknown_sender_queue_resolves_through_the_api(crm_client, crm_admin, tmp_path):
    await _import(crm_admin[0], tmp_path, eml("<x@example.net>", "Xena <xena@example.net>"))
    queue = (await crm_client.get("/api/v1/conversations/unknown")).json()
    assert [entry["value"] for entry in queue] == ["xena@example.net"]
    made = (await crm_client.post(f"/api/v1/conversations/unknown/{queue[0]['id']}/resolve", json={})).json()
    contact = (await crm_client.get(f"/api/v1/contacts/{made['contact_id']}")).json()
    assert contact["display_name"] == "Xena"
    assert (await crm_client.get("/api/v1/conversations/unknown")).json() == []


async def test_a_member_sees_no_one_elses_messages_in_the_api(crm_client, crm_admin, crm_member_client, tmp_path):
    await _import(crm_admin[0], tmp_path, eml("<p@example.org>", subject="Private"))
    assert (await crm_member_client.get("/api/v1/conversations/messages")).json()["items"] == []
    assert (await crm_member_client.get("/api/v1/conversations/ledger", params={"q": "p@example.org"})).json() == []
