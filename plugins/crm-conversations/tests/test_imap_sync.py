"""Mailbox sync against a real IMAP server (Dovecot, started by the test kit on 127.0.0.1):
each message on its contacts' timelines exactly once, incremental by UID, a UIDVALIDITY
change read again without duplicates, every message accounted for, and a clear error when
the login or the host is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from mail import eml

from crm_platform.testing import IMAP_PASSWORD, IMAP_USER
from crm_platform.toolkit import fetch

pytestmark = pytest.mark.postgres


async def _add_mailbox(client, server, **changes):
    body = {"name": "Sales", "host": server.host, "port": server.port, "security": "none", "username": IMAP_USER,
            "password": IMAP_PASSWORD, **changes}
    response = await client.post("/api/v1/conversations/mailboxes", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def _sync(client, mailbox):
    response = await client.post(f"/api/v1/conversations/mailboxes/{mailbox['id']}/sync")
    assert response.status_code == 200, response.text
    return response.json()


async def _titles(client, contact):
    timeline = (await client.get(f"/api/v1/contacts/{contact['id']}/timeline")).json()
    return sorted(item["title"] for item in timeline["items"] if item.get("title") != contact["display_name"])


async def test_a_sync_puts_each_message_on_its_contacts_timeline_exactly_once(crm_client, crm_imap, make_contact):
    ann = await make_contact("Ann Able", "ann@example.org")
    bob = await make_contact("Bob Brown", "bob@example.net")
    crm_imap.append(eml("<q1@example.org>", "Ann Able <ann@example.org>", subject="Quote please").encode())
    crm_imap.append(eml("<h1@example.net>", "Bob Brown <bob@example.net>", subject="Hello").encode())
    crm_imap.append(eml("<n1@lists.example>", "news@lists.example", subject="Weekly news",
                        extra="List-Id: <news.lists.example>").encode())
    mailbox = await _add_mailbox(crm_client, crm_imap)

    first = await _sync(crm_client, mailbox)
    assert first["status"] == "ok", first["error"]
    assert (first["seen"], first["imported"], first["skipped"], first["failed"]) == (3, 2, 1, 0)
    [(reason, count)] = first["reasons"].items()
    assert reason.startswith("skipped: ") and "list" in reason and count == 1
    assert await _titles(crm_client, ann) == ["Quote please"]
    assert await _titles(crm_client, bob) == ["Hello"]
    # Read-only: the server still has every message unseen.
    assert all("\\Seen" not in flags for flags in crm_imap.flags())

    again = await _sync(crm_client, mailbox)
    assert (again["status"], again["seen"], again["imported"], again["run"]) == ("ok", 0, 0, None)
    assert await _titles(crm_client, ann) == ["Quote please"]

    crm_imap.append(eml("<q2@example.org>", "Ann Able <ann@example.org>", subject="Re: Quote please",
                        extra="In-Reply-To: <q1@example.org>").encode())
    later = await _sync(crm_client, mailbox)
    assert (later["seen"], later["imported"]) == (1, 1)
    assert await _titles(crm_client, ann) == ["Quote please", "Re: Quote please"]
    assert (await fetch("SELECT count(*) AS n FROM conversations_message"))[0]["n"] == 3

    [entry] = (await crm_client.get("/api/v1/conversations/reconciliation")).json()
    assert (entry["name"], entry["syncs"], entry["seen"], entry["imported"], entry["skipped"], entry["failed"],
            entry["unaccounted"]) == ("Sales", 3, 4, 3, 1, 0, 0)
    [folder] = entry["folders"]
    assert (folder["name"], folder["server_count"], folder["seen"], folder["gap"]) == ("INBOX", 4, 4, 0)
    assert entry["last_sync"]["status"] == "ok"


async def test_a_new_uidvalidity_reads_the_folder_again_and_imports_nothing_twice(crm_client, crm_imap,
                                                                                  make_contact):
    ann = await make_contact("Ann Able", "ann@example.org")
    for number in (1, 2):
        crm_imap.append(eml(f"<v{number}@example.org>", "Ann Able <ann@example.org>", subject=f"Note {number}").encode())
    mailbox = await _add_mailbox(crm_client, crm_imap)
    assert (await _sync(crm_client, mailbox))["imported"] == 2

    crm_imap.set_uidvalidity(4242)
    crm_imap.append(eml("<v3@example.org>", "Ann Able <ann@example.org>", subject="Note 3").encode())
    rescan = await _sync(crm_client, mailbox)
    assert (rescan["status"], rescan["seen"], rescan["imported"], rescan["skipped"]) == ("ok", 3, 1, 2)
    assert rescan["reasons"] == {"skipped: already imported": 2}
    assert rescan["folders"]["INBOX"]["rescanned"] is True and rescan["folders"]["INBOX"]["uidvalidity"] == 4242
    assert await _titles(crm_client, ann) == ["Note 1", "Note 2", "Note 3"]
    assert (await _sync(crm_client, mailbox))["seen"] == 0


async def test_a_wrong_password_fails_the_sync_with_the_login_named(crm_client, crm_imap, web_client):
    mailbox = await _add_mailbox(crm_client, crm_imap, password="not-the-password")
    outcome = await _sync(crm_client, mailbox)
    assert outcome["status"] == "failed"
    assert f"refused the login of {IMAP_USER!r}" in outcome["error"] and "AUTHENTICATIONFAILED" in outcome["error"]

    page = await web_client.get("/conversations/mailboxes")
    assert page.status_code == 200 and "refused the login" in page.text  # the last sync, in the table
    response = await web_client.post(f"/conversations/mailboxes/{mailbox['id']}/sync",
                                     data={"_csrf_token": web_client.csrf(page.text)})
    assert response.status_code == 200
    assert "The sync of Sales failed" in response.text and "refused the login of" in response.text

    fixed = await crm_client.patch(f"/api/v1/conversations/mailboxes/{mailbox['id']}", json={"password": IMAP_PASSWORD})
    assert fixed.status_code == 200, fixed.text
    assert (await _sync(crm_client, mailbox))["status"] == "ok"


async def test_an_unreachable_server_is_named(crm_client, crm_imap):
    mailbox = await _add_mailbox(crm_client, crm_imap)
    crm_imap.stop()
    outcome = await _sync(crm_client, mailbox)
    assert outcome["status"] == "failed"
    assert outcome["error"].startswith(f"cannot reach 127.0.0.1:{crm_imap.port}: ") and "refused" in outcome["error"]
    missing = await crm_client.patch(f"/api/v1/conversations/mailboxes/{mailbox['id']}", json={"folders": "Nowhere"})
    assert missing.status_code == 200
    crm_imap.start()
    outcome = await _sync(crm_client, mailbox)
    assert outcome["status"] == "failed" and "the folder 'Nowhere' cannot be opened" in outcome["error"]


async def test_a_mailbox_is_checked_and_its_password_sealed(crm_client, crm_member_client, crm_imap):
    bad = await crm_client.post("/api/v1/conversations/mailboxes", json={
        "name": "", "host": "imap.example.com", "security": "none", "username": "x", "password": "y"})
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert set(errors) == {"name", "security"} and "only for a server on this machine" in errors["security"]
    unknown = await crm_client.post("/api/v1/conversations/mailboxes", json={
        "name": "A", "host": "h", "username": "x", "password": "y", "colour": "red"})
    assert unknown.status_code in (400, 422) and "colour" in unknown.text

    mailbox = await _add_mailbox(crm_client, crm_imap)
    assert "password" not in mailbox and IMAP_PASSWORD not in str(mailbox)
    [stored] = await fetch("SELECT password FROM conversations_mailbox WHERE id = {}", mailbox["id"])
    assert IMAP_PASSWORD not in stored["password"]
    again = await crm_client.post("/api/v1/conversations/mailboxes", json={
        "name": "sales", "host": "127.0.0.1", "security": "none", "username": "x", "password": "y"})
    assert again.status_code == 409 and "Sales" in again.text
    # A member sees neither the admin's mailbox nor its reconciliation.
    assert (await crm_member_client.get("/api/v1/conversations/mailboxes")).json() == []
    assert (await crm_member_client.post(f"/api/v1/conversations/mailboxes/{mailbox['id']}/sync")).status_code == 404
    assert (await crm_member_client.get("/api/v1/conversations/reconciliation")).json() == []


async def test_the_command_and_the_schedule_sync_the_mailboxes(crm_client, crm_cli, crm_imap, crm_clock,
                                                               crm_run_jobs, make_contact):
    ann = await make_contact("Ann Able", "ann@example.org")
    await _add_mailbox(crm_client, crm_imap)
    crm_imap.append(eml("<c1@example.org>", "Ann Able <ann@example.org>", subject="By command").encode())
    result = crm_cli("conversations", "sync", "Sales")
    assert result.exit_code == 0, result.output
    assert "Sales: read 1, imported 1, skipped 0, failed 0" in result.output

    crm_imap.append(eml("<s1@example.org>", "Ann Able <ann@example.org>", subject="By schedule").encode())
    crm_clock.set(dt.datetime(2030, 5, 1, 9, 5, tzinfo=dt.UTC))
    outcomes = await crm_run_jobs()
    ours = [(outcome.job_name, outcome.ok) for outcome in outcomes if outcome.job_name.startswith("conversations.")]
    assert ours == [("conversations.sync_mailboxes", True), ("conversations.sync_mailbox", True)]
    assert await _titles(crm_client, ann) == ["By command", "By schedule"]

    missing = crm_cli("conversations", "sync", "Nope")
    assert missing.exit_code != 0 and "no mailbox is named 'Nope'" in missing.output


async def test_the_page_adds_a_mailbox_and_syncs_it(web_client, crm_imap, make_contact):
    ann = await make_contact("Ann Able", "ann@example.org")
    crm_imap.append(eml("<p1@example.org>", "Ann Able <ann@example.org>", subject="From the page").encode())
    page = await web_client.get("/conversations/mailboxes")
    form = {"_csrf_token": web_client.csrf(page.text), "name": "Support", "host": "imap.example.com",
            "security": "none", "username": IMAP_USER, "password": IMAP_PASSWORD, "port": str(crm_imap.port),
            "folders": "INBOX"}
    refused = await web_client.post("/conversations/mailboxes", data=form)
    assert refused.status_code == 422 and "only for a server on this machine" in refused.text
    assert IMAP_PASSWORD not in refused.text
    added = await web_client.post("/conversations/mailboxes", data={**form, "host": "127.0.0.1"})
    assert added.status_code in (200, 303)
    [box] = await fetch("SELECT id FROM conversations_mailbox WHERE name = 'Support'")
    page = await web_client.get("/conversations/mailboxes")
    synced = await web_client.post(f"/conversations/mailboxes/{box['id']}/sync",
                                   data={"_csrf_token": web_client.csrf(page.text)})
    assert synced.status_code == 200
    assert "Synced Support" in synced.text and "Read 1 new message: 1 imported" in synced.text
    timeline = await web_client.get(f"/contacts/{ann['id']}")
    assert "From the page" in timeline.text


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_a_sync_over_tls_trusts_only_the_certificate_it_is_given(crm_client, make_contact, tmp_path, security):
    from crm_platform.testing import imap_server

    ann = await make_contact("Ann Able", "ann@example.org")
    with imap_server(tmp_path, security=security) as server:
        server.append(eml("<t1@example.org>", "Ann Able <ann@example.org>", subject="Over TLS").encode())
        mailbox = await _add_mailbox(crm_client, server, security=security, host="localhost")
        untrusted = await _sync(crm_client, mailbox)
        assert untrusted["status"] == "failed"
        assert untrusted["error"] == f"the TLS certificate of localhost:{server.port} is not trusted: self-signed certificate"

        bad = await crm_client.patch(f"/api/v1/conversations/mailboxes/{mailbox['id']}",
                                     json={"ca_certificate": "not a certificate"})
        assert bad.status_code == 422 and "ca_certificate" in bad.json()["errors"]
        trusted = await crm_client.patch(f"/api/v1/conversations/mailboxes/{mailbox['id']}",
                                         json={"ca_certificate": server.cafile.read_text()})
        assert trusted.status_code == 200, trusted.text
        outcome = await _sync(crm_client, mailbox)
        assert (outcome["status"], outcome["imported"]) == ("ok", 1), outcome["error"]
        assert ", TLS" in server.log()  # the login went over TLS, not in the clear
    assert await _titles(crm_client, ann) == ["Over TLS"]
