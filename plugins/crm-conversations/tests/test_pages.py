"""The pages: "why isn't this email here?", the unknown-sender queue, a message in its
sandboxed frame, a thread."""

from __future__ import annotations

import pytest
from mail import eml, mbox

from crm_platform.toolkit import commit_import, fetch, start_import

pytestmark = pytest.mark.postgres

HOSTILE = ('Content-Type: text/html; charset=utf-8',
           '<p>Price list</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:x()">y</a>')


async def _import(principal, tmp_path, *messages):
    path = tmp_path / "mail.mbox"
    path.write_bytes(mbox(*messages))
    run = await start_import(principal, path, "conversations.message")
    return await commit_import(principal, run["id"])


async def test_the_ledger_search_says_why_a_message_is_not_there(web_client, crm_admin, tmp_path):
    await _import(crm_admin[0], tmp_path, eml("<news1@lists.example>", "News <news@lists.example>", subject="Weekly",
                                              extra="Precedence: bulk"))
    page = await web_client.get("/conversations/", params={"q": "news1@lists.example"})
    assert page.status_code == 200
    assert "Skipped" in page.text and "bulk or list mail (Precedence: bulk)" in page.text
    missing = await web_client.get("/conversations/", params={"q": "nothing-like-it@example.org"})
    assert "No import has seen a message like this" in missing.text


async def test_an_unknown_sender_becomes_a_contact_in_one_click(web_client, crm_admin, tmp_path):
    await _import(crm_admin[0], tmp_path, eml("<u1@example.net>", "Una Known <una@example.net>", subject="Hi there"))
    queue = await web_client.get("/conversations/unknown")
    assert "Una Known" in queue.text
    entry = (await fetch("SELECT id FROM conversations_unknown"))[0]["id"]
    response = await web_client.post(f"/conversations/unknown/{entry}/create",
                                     data={"_csrf_token": web_client.csrf(queue.text)})
    assert response.status_code == 303
    contact_page = await web_client.get(response.headers["location"])
    assert "Una Known" in contact_page.text and "Hi there" in contact_page.text
    assert await fetch("SELECT id FROM conversations_unknown") == []
    assert "Una Known" not in (await web_client.get("/conversations/unknown")).text


async def test_linking_a_sender_needs_a_contact(web_client, crm_admin, tmp_path):
    await _import(crm_admin[0], tmp_path, eml("<u2@example.net>", "Vic <vic@example.net>"))
    queue = await web_client.get("/conversations/unknown")
    entry = (await fetch("SELECT id FROM conversations_unknown"))[0]["id"]
    refused = await web_client.post(f"/conversations/unknown/{entry}/link", data={"_csrf_token": web_client.csrf(queue.text)})
    assert refused.status_code == 422 and "choose the contact" in refused.text


async def test_hostile_html_is_stripped_and_shown_only_in_a_sandboxed_frame(web_client, crm_admin, tmp_path):
    await _import(crm_admin[0], tmp_path, eml("<h1@example.org>", subject="Prices", extra=HOSTILE[0], body=HOSTILE[1]))
    message = (await fetch("SELECT id, thread FROM conversations_message"))[0]
    page = await web_client.get(f"/conversations/messages/{message['id']}")
    assert page.status_code == 200 and "<iframe" in page.text and " sandbox " in page.text
    frame = await web_client.get(f"/conversations/messages/{message['id']}/html")
    assert "sandbox" in frame.headers["content-security-policy"]
    assert "<p>Price list</p>" in frame.text
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in frame.text
    thread = await web_client.get(f"/conversations/threads/{message['thread']}")
    assert thread.status_code == 200 and "Prices" in thread.text


async def test_a_thread_shows_replies_under_their_parent(web_client, crm_admin, tmp_path):
    await _import(crm_admin[0], tmp_path,
                  eml("<r2@example.org>", subject="Re: Plan", body="second", extra="In-Reply-To: <r1@example.org>"),
                  eml("<r1@example.org>", subject="Plan", body="first"),
                  eml("<r3@example.org>", subject="Re: Plan", body="third",
                      extra="References: <r1@example.org> <r2@example.org>"))
    threads = await fetch("SELECT DISTINCT thread FROM conversations_message")
    assert len(threads) == 1  # the reply that came first joined its parent's thread
    page = await web_client.get(f"/conversations/threads/{threads[0]['thread']}")
    assert page.text.index("first") < page.text.index("second") < page.text.index("third")


async def test_a_member_sees_no_one_elses_messages(crm_running_app, crm_admin, crm_member_client, tmp_path):
    await _import(crm_admin[0], tmp_path, eml("<secret@example.org>", subject="Private"))
    message = (await fetch("SELECT id FROM conversations_message"))[0]["id"]
    from crm_platform.testing import client_for  # noqa: F401  (the member's API client is enough here)

    response = await crm_member_client.get(f"/conversations/messages/{message}")
    assert response.status_code in (403, 404)


async def test_identities_are_shown_and_added_on_the_contact_page(web_client, make_contact):
    ann = await make_contact("Ann Able", "ann@example.org")
    bob = await make_contact("Bob Brown")
    page = await web_client.get(f"/contacts/{ann['id']}")
    assert "Known as" in page.text and "ann@example.org" in page.text
    token = web_client.csrf(page.text)
    added = await web_client.post(f"/conversations/contacts/{ann['id']}/identities",
                                  data={"_csrf_token": token, "kind": "handle", "network": "Instagram", "value": "@AnnA"})
    assert added.status_code == 303
    assert "anna" in (await web_client.get(f"/contacts/{ann['id']}")).text
    wrong = await web_client.post(f"/conversations/contacts/{ann['id']}/identities",
                                  data={"_csrf_token": token, "kind": "email", "value": "not an address"})
    assert wrong.status_code == 422 and "is not an email address" in wrong.text
    taken = await web_client.post(f"/conversations/contacts/{bob['id']}/identities",
                                  data={"_csrf_token": token, "kind": "handle", "network": "instagram", "value": "anna"})
    assert taken.status_code == 422 and "belongs to another contact" in taken.text
    removed = await web_client.post(f"/conversations/contacts/{ann['id']}/identities/remove",
                                    data={"_csrf_token": token, "kind": "handle", "network": "instagram", "value": "anna"})
    assert removed.status_code == 303
    assert "on instagram" not in (await web_client.get(f"/contacts/{ann['id']}")).text
