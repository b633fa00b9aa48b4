"""Mail archives through the core's import runs: a dry run that counts, a commit that links
each message to its contacts' timelines, a ledger that says why the others are not there."""

from __future__ import annotations

import json

import pytest
from mail import eml, mbox

from crm_platform.toolkit import (
    commit_import,
    dry_run_import,
    fetch,
    import_ledger,
    set_setting,
    start_import,
)

pytestmark = pytest.mark.postgres

KIND = "conversations.message"


def _archive(tmp_path):
    path = tmp_path / "inbox.mbox"
    path.write_bytes(mbox(
        eml("<a1@example.org>", "Ann Able <ann@example.org>", subject="Quote please"),
        eml("<b1@example.org>", "Bob Brown <bob@example.net>", subject="Hello"),
        eml("<l1@lists.example>", "news@lists.example", subject="Weekly news", extra="List-Id: <news.lists.example>"),
        eml("<c1@example.org>", "Cy <cy@example.org>", subject="Odd", extra="Content-Type: text/plain; charset=x-nothing"),
        eml("<o1@acme.example>", "Us <sales@acme.example>", to="Ann <ann@example.org>", subject="Re: Quote please",
            extra="In-Reply-To: <a1@example.org>"),
    ))
    return path


async def test_a_dry_run_counts_each_outcome_and_writes_nothing(crm_running_app, crm_admin, make_contact, tmp_path):
    await make_contact("Ann Able", "ann@example.org")
    principal = crm_admin[0]
    run = await start_import(principal, _archive(tmp_path), KIND)
    assert run["format"] == "conversations.email" and run["rows_total"] == 5
    counts = await dry_run_import(principal, run["id"])
    assert counts == {"create": 3, "update": 0, "skip": 1, "error": 1}
    assert await fetch("SELECT id FROM conversations_message") == []


async def test_a_commit_links_messages_to_timelines_and_explains_the_rest(
    crm_running_app, crm_client, crm_admin, make_contact, tmp_path
):
    ann = await make_contact("Ann Able", "ann@example.org")
    principal = crm_admin[0]
    await set_setting("conversations", "own_addresses", "acme.example")
    run = await start_import(principal, _archive(tmp_path), KIND)
    assert await commit_import(principal, run["id"]) == {"create": 3, "update": 0, "skip": 1, "error": 1}

    timeline = (await crm_client.get(f"/api/v1/contacts/{ann['id']}/timeline")).json()
    subjects = sorted(item["title"] for item in timeline["items"])
    assert subjects == ["Quote please", "Re: Quote please"]
    messages = {row["message_id"]: row for row in await fetch(
        "SELECT message_id, direction, thread, sent_tz FROM conversations_message")}
    assert messages["o1@acme.example"]["direction"] == "outbound"
    assert messages["a1@example.org"]["direction"] == "inbound"
    assert messages["a1@example.org"]["sent_tz"] == "+02:00"
    assert messages["o1@acme.example"]["thread"] == messages["a1@example.org"]["thread"]

    ledger = {row["external_id"]: row for row in await import_ledger(principal)}
    assert ledger["l1@lists.example"]["outcome"] == "skip"
    assert "mailing-list" in ledger["l1@lists.example"]["reason"]
    assert "news@lists.example" in ledger["l1@lists.example"]["reason"]
    assert ledger["c1@example.org"]["outcome"] == "error"
    assert "unknown charset 'x-nothing'" in ledger["c1@example.org"]["reason"]
    queued = await fetch("SELECT value, message_count FROM conversations_unknown")
    assert queued == [{"value": "bob@example.net", "message_count": 1}]


async def test_importing_the_same_mailbox_again_adds_nothing(crm_running_app, crm_admin, make_contact, tmp_path):
    await make_contact("Ann Able", "ann@example.org")
    principal = crm_admin[0]
    path = _archive(tmp_path)
    first = await start_import(principal, path, KIND)
    await commit_import(principal, first["id"])
    again = await start_import(principal, path, KIND)
    counts = await commit_import(principal, again["id"])
    assert counts["create"] == 0 and counts["skip"] == 4
    assert len(await fetch("SELECT id FROM conversations_message")) == 3


async def test_a_message_id_twice_in_one_file_is_kept_once(crm_running_app, crm_admin, tmp_path):
    path = tmp_path / "twice.mbox"
    path.write_bytes(mbox(eml("<same@example.org>"), eml(" <same@Example.ORG> (sent twice)")))
    run = await start_import(crm_admin[0], path, KIND)
    counts = await commit_import(crm_admin[0], run["id"])
    assert counts["create"] == 1 and counts["skip"] == 1


async def test_a_google_takeout_mbox_keeps_names_threads_and_attachment_metadata(
    crm_running_app, crm_admin, make_contact
):
    from conftest import SAMPLES

    bjorn = await make_contact("Björn Åström", "bjorn@example.se")
    await set_setting("conversations", "own_addresses", "sales@acme.example")
    run = await start_import(crm_admin[0], SAMPLES / "takeout.mbox", KIND)
    assert await commit_import(crm_admin[0], run["id"]) == {"create": 2, "update": 0, "skip": 1, "error": 0}
    rows = await fetch("SELECT subject, sender_name, direction, attachments, body_text, body_html, thread, contact_ids "
                       "FROM conversations_message ORDER BY sent_at")
    assert rows[0]["subject"] == "Förfrågan" and rows[0]["sender_name"] == "Björn Åström"
    assert "From our side the budget is fixed." in rows[0]["body_text"]
    assert "onerror" not in rows[0]["body_html"] and "beställa" in rows[0]["body_html"]
    assert rows[1]["direction"] == "outbound" and '"name": "quote.pdf"' in rows[1]["attachments"]
    assert "\nFrom now on we reply within a day." in rows[1]["body_text"]  # mboxrd: ">From " unescaped
    assert rows[0]["thread"] == rows[1]["thread"]
    assert all(bjorn["id"] in (row["contact_ids"] if isinstance(row["contact_ids"], list) else json.loads(row["contact_ids"]))
               for row in rows)
    skipped = await import_ledger(crm_admin[0], text="auto-1@example.se")
    assert skipped[0]["outcome"] == "skip" and "Auto-Submitted: auto-replied" in skipped[0]["reason"]


async def test_mail_without_references_threads_by_subject_within_a_window(crm_running_app, crm_admin, tmp_path):
    path = tmp_path / "subjects.mbox"
    path.write_bytes(mbox(
        eml("<s1@example.org>", subject="Delivery dates", date="Tue, 01 Dec 2026 10:00:00 +0000"),
        eml("<s2@example.org>", subject="RE: Fwd: delivery dates", date="Thu, 03 Dec 2026 10:00:00 +0000"),
        eml("<s3@example.org>", subject="Delivery dates", date="Fri, 05 Mar 2027 10:00:00 +0000"),
    ))
    run = await start_import(crm_admin[0], path, KIND)
    await commit_import(crm_admin[0], run["id"])
    threads = {row["message_id"]: row["thread"] for row in await fetch("SELECT message_id, thread FROM conversations_message")}
    assert threads["s1@example.org"] == threads["s2@example.org"] != threads["s3@example.org"]


async def test_a_message_that_arrives_later_joins_the_threads_on_both_sides_of_it(crm_running_app, crm_admin,
                                                                                  tmp_path):
    first = tmp_path / "first.mbox"
    first.write_bytes(mbox(
        eml("<t1@example.org>", subject="Plan", date="Tue, 01 Dec 2026 10:00:00 +0000"),
        eml("<t3@example.org>", subject="Other words", date="Tue, 01 Dec 2026 12:00:00 +0000",
            extra="In-Reply-To: <t2@example.org>\nReferences: <t1@example.org> <t2@example.org>"),
        eml("<u1@example.org>", subject="Lunch", date="Tue, 01 Dec 2026 09:00:00 +0000"),
        eml("<u3@example.org>", subject="Re: Something", date="Tue, 01 Dec 2026 13:00:00 +0000",
            extra="In-Reply-To: <u2@example.org>"),
    ))
    run = await start_import(crm_admin[0], first, KIND)
    await commit_import(crm_admin[0], run["id"])
    threads = {row["message_id"]: row["thread"] for row in await fetch("SELECT message_id, thread FROM conversations_message")}
    assert threads["t1@example.org"] == threads["t3@example.org"]  # t3 names t1 in References
    assert threads["u1@example.org"] != threads["u3@example.org"]  # u2, which links them, is missing

    later = tmp_path / "later.mbox"
    later.write_bytes(mbox(eml("<u2@example.org>", subject="Re: Lunch", date="Tue, 01 Dec 2026 11:00:00 +0000",
                               extra="In-Reply-To: <u1@example.org>")))
    run = await start_import(crm_admin[0], later, KIND)
    await commit_import(crm_admin[0], run["id"])
    threads = {row["message_id"]: row["thread"] for row in await fetch("SELECT message_id, thread FROM conversations_message")}
    assert threads["u1@example.org"] == threads["u2@example.org"] == threads["u3@example.org"] != threads["t1@example.org"]
    [thread] = await fetch("SELECT started_at, last_at FROM conversations_thread WHERE id = {}", threads["u1@example.org"])
    assert (thread["started_at"].hour, thread["last_at"].hour) == (9, 13)
    assert len(await fetch("SELECT id FROM conversations_thread")) == 2  # the merged-away thread is gone


def _batch(tmp_path, name: str, groups: int):
    """``groups`` times: a contact's message, a stranger's, and our reply to the contact."""
    messages = []
    for n in range(groups):
        messages += [
            eml(f"<{name}{n}@example.org>", f"Person {n} <{name}{n}@example.org>", subject=f"{name} order {n}"),
            eml(f"<{name}s{n}@example.net>", f"Stranger {n} <{name}s{n}@example.net>", subject=f"{name} hello {n}"),
            eml(f"<{name}r{n}@acme.example>", "Us <sales@acme.example>", to=f"<{name}{n}@example.org>",
                subject=f"Re: {name} order {n}", extra=f"In-Reply-To: <{name}{n}@example.org>"),
        ]
    path = tmp_path / f"{name}.mbox"
    path.write_bytes(mbox(*messages))
    return path


async def _commit_statements(engine, principal, path) -> int:
    """The statements of a commit, with the listeners that hear of it after it commits (the
    reports' counts, the notifications)."""
    run = await start_import(principal, path, KIND)
    before = engine.statements_run
    counts = await commit_import(principal, run["id"])
    assert counts["error"] == 0, counts
    return engine.statements_run - before


async def test_importing_thirty_messages_runs_as_many_statements_as_importing_three(
    crm_running_app, crm_admin, make_contact, crm_engine, tmp_path
):
    await set_setting("conversations", "own_addresses", "acme.example")
    for n in range(10):
        await make_contact(f"Person {n}", f"few{n}@example.org")
        await make_contact(f"Person {n}", f"many{n}@example.org")
    principal = crm_admin[0]

    three = await _commit_statements(crm_engine, principal, _batch(tmp_path, "few", 1))
    thirty = await _commit_statements(crm_engine, principal, _batch(tmp_path, "many", 10))

    assert thirty == three, (three, thirty)
    queued = await fetch("SELECT value, message_count FROM conversations_unknown ORDER BY value")
    assert [row["value"] for row in queued] == sorted([f"fews{0}@example.net"] + [f"manys{n}@example.net" for n in range(10)])
    assert {row["message_count"] for row in queued} == {1}
