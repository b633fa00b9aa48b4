"""WhatsApp and Messenger/Instagram exports through the same import hook as mail."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SAMPLES
from crm_conversations.sources.chats import day_first, repair_mojibake, whatsapp_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm_platform.toolkit import commit_import, fetch, import_ledger, set_setting, start_import


def test_an_ios_export_reads_12_hour_times_marks_multi_line_messages_and_system_lines():
    rows = list(whatsapp_rows(str(SAMPLES / "whatsapp_ios.txt")))
    assert [row["sender"] for row in rows] == ["Acme Support", "Ann Able", "Acme Support", "Ann Able", "Ann Able"]
    assert rows[0]["flags"] == "skip:a system line of the chat"
    assert rows[1]["sent_at"] == "2024-01-03T21:41:05+00:00"  # 13/01 in the file: day first
    assert rows[2]["body_text"] == "Yes!\nIt ships tomorrow.\nTracking follows."
    assert "image omitted" in rows[3]["attachments"]
    assert rows[4]["sent_at"].startswith("2024-01-13T12:15")
    assert all(row["in_reply_to"] == rows[1]["message_id"] for row in rows[2:])


def test_an_android_export_reads_24_hour_times_and_phone_senders():
    rows = list(whatsapp_rows(str(SAMPLES / "whatsapp_android.txt")))
    assert rows[0]["flags"] == "skip:a system line of the chat (no sender)"
    assert rows[1]["sender"] == "+44 20 7946 0123" and rows[1]["sent_at"] == "2024-01-03T21:41:00+00:00"
    assert rows[3]["sent_at"].startswith("2024-02-05T07:05")


def test_day_and_month_are_read_from_the_whole_file():
    assert day_first([(3, 1, 24, 9, 0, 0, "pm"), (13, 1, 24, 9, 0, 0, "pm")]) is True
    assert day_first([(1, 3, 24, 9, 0, 0, ""), (1, 13, 24, 9, 0, 0, "")]) is False
    assert day_first([(1, 3, 24, 9, 0, 0, "pm")]) is False  # a 12-hour clock and nothing to tell: US order


def test_messenger_mojibake_is_repaired():
    assert repair_mojibake("Grabi\u00c5\u0084ski") == "Grabiński"
    assert repair_mojibake("Grabiński") == "Grabiński"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(max_size=2000))
def test_any_text_file_reads_as_rows_or_says_it_is_not_a_chat(tmp_path, text):
    path = tmp_path / "chat.txt"
    path.write_text(text, encoding="utf-8", errors="replace")
    try:
        rows = list(whatsapp_rows(str(path)))
    except ValueError as exc:
        assert "not a WhatsApp chat export" in str(exc)
        return
    assert all(row["message_id"] for row in rows)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_mojibake_repair_never_loses_text_that_was_not_mojibake(text):
    repaired = repair_mojibake(text.encode("utf-8").decode("latin-1"))
    assert repaired == text


@pytest.mark.postgres
async def test_chats_import_once_onto_the_timeline_of_a_contact_known_by_phone(
    crm_running_app, crm_client, crm_admin
):
    response = await crm_client.post("/api/v1/contacts", json={
        "display_name": "Pat Phone", "phones": [{"number": "+442079460123", "label": "mobile"}]})
    pat = response.json()
    from crm_platform.toolkit import add_identities, normalise_identity

    await add_identities(pat["id"], [normalise_identity("phone", "+442079460123")])
    await set_setting("conversations", "own_addresses", "@acme support:whatsapp")
    principal = crm_admin[0]
    run = await start_import(principal, SAMPLES / "whatsapp_android.txt", "conversations.message")
    assert run["format"] == "conversations.whatsapp"
    assert await commit_import(principal, run["id"]) == {"create": 3, "update": 0, "skip": 1, "error": 0}
    timeline = (await crm_client.get(f"/api/v1/contacts/{pat['id']}/timeline")).json()["items"]
    assert len(timeline) == 3
    outbound = await fetch("SELECT direction FROM conversations_message WHERE sender = 'Acme Support'")
    assert outbound == [{"direction": "outbound"}]
    assert len({row["thread"] for row in await fetch("SELECT thread FROM conversations_message")}) == 1
    again = await start_import(principal, SAMPLES / "whatsapp_android.txt", "conversations.message")
    assert (await commit_import(principal, again["id"]))["create"] == 0
    skipped = await import_ledger(principal, text="system line")
    assert skipped and skipped[0]["outcome"] == "skip"


@pytest.mark.postgres
async def test_a_messenger_export_imports_with_its_names_repaired(crm_running_app, crm_admin):
    principal = crm_admin[0]
    run = await start_import(principal, SAMPLES / "message_1.json", "conversations.message")
    assert run["format"] == "conversations.messenger"
    assert (await commit_import(principal, run["id"]))["create"] == 2
    rows = await fetch("SELECT sender, body_text, attachments, sent_at FROM conversations_message ORDER BY sent_at")
    assert rows[0]["sender"] == "Jan Grabiński" and rows[0]["body_text"].startswith("Dzień dobry")
    assert "bed.jpg" in rows[1]["attachments"]
    assert rows[0]["sent_at"].astimezone(dt.UTC) == dt.datetime(2024, 1, 3, 22, 0, tzinfo=dt.UTC)
    queued = await fetch("SELECT kind, network, value FROM conversations_unknown ORDER BY value")
    assert {"kind": "handle", "network": "messenger", "value": "jan grabiński"} in queued


@pytest.mark.postgres
async def test_linking_a_chat_sender_puts_their_messages_on_the_contact(crm_running_app, crm_client, crm_admin):
    from crm_conversations import unknown

    principal = crm_admin[0]
    run = await start_import(principal, SAMPLES / "message_1.json", "conversations.message")
    await commit_import(principal, run["id"])
    contact = (await crm_client.post("/api/v1/contacts", json={"display_name": "Jan G"})).json()
    entry = (await fetch("SELECT id FROM conversations_unknown WHERE value = 'jan grabiński'"))[0]["id"]
    assert await unknown.resolve(principal, entry, contact["id"]) == contact["id"]
    timeline = (await crm_client.get(f"/api/v1/contacts/{contact['id']}/timeline")).json()["items"]
    assert [item["title"] for item in timeline] == ["Dzień dobry, czy mają Państwo łóżka?"]


def test_a_telegram_export_reads_entity_text_replies_files_and_service_lines():
    from crm_conversations.sources.exports import telegram_rows

    rows = list(telegram_rows(str(SAMPLES / "result.json")))
    assert rows[0]["flags"].startswith("skip:a service line")
    assert rows[1]["body_text"] == "Is the order ready?" and rows[1]["message_id"] == "4242-2@telegram"
    assert rows[2]["in_reply_to"] == "4242-2@telegram" and "invoice.pdf" in rows[2]["attachments"]


def test_a_linkedin_export_reads_profiles_as_handles_and_fails_a_bad_date():
    from crm_conversations.sources.exports import linkedin_rows

    rows = list(linkedin_rows(str(SAMPLES / "messages.csv")))
    assert rows[0]["sender"] == "annable" and rows[0]["recipients"] == "acmesales"
    assert rows[1]["in_reply_to"] == rows[0]["message_id"]
    assert "is not a date and time" in rows[2]["failure"]


@pytest.mark.postgres
async def test_telegram_and_linkedin_exports_are_recognised_and_imported(crm_running_app, crm_admin):
    principal = crm_admin[0]
    telegram = await start_import(principal, SAMPLES / "result.json", "conversations.message")
    assert telegram["format"] == "conversations.telegram"
    assert await commit_import(principal, telegram["id"]) == {"create": 2, "update": 0, "skip": 1, "error": 0}
    linkedin = await start_import(principal, SAMPLES / "messages.csv", "conversations.message")
    assert linkedin["format"] == "conversations.linkedin"
    assert await commit_import(principal, linkedin["id"]) == {"create": 2, "update": 0, "skip": 0, "error": 1}
    threads = await fetch("SELECT channel, count(DISTINCT thread) AS n FROM conversations_message GROUP BY channel "
                          "ORDER BY channel")
    assert threads == [{"channel": "linkedin", "n": 1}, {"channel": "telegram", "n": 1}]


@pytest.mark.postgres
async def test_an_x_archive_imports_its_direct_messages(crm_running_app, crm_admin):
    principal = crm_admin[0]
    run = await start_import(principal, SAMPLES / "direct-messages.js", "conversations.message")
    assert run["format"] == "conversations.x"
    assert await commit_import(principal, run["id"]) == {"create": 2, "update": 0, "skip": 1, "error": 0}
    rows = await fetch("SELECT message_id, sender, recipients, attachments FROM conversations_message ORDER BY sent_at")
    assert [row["message_id"] for row in rows] == ["9001@x", "9002@x"]
    assert rows[0]["sender"] == "111" and rows[0]["recipients"] == "222" and "photo.jpg" in rows[1]["attachments"]


@pytest.mark.postgres
async def test_a_slack_export_matches_members_by_email_and_threads_replies(crm_running_app, crm_client, crm_admin):
    ann = (await crm_client.post("/api/v1/contacts", json={
        "display_name": "Ann Able", "emails": [{"address": "ann@example.org", "label": "work"}]})).json()
    await set_setting("conversations", "own_addresses", "acme.example")
    principal = crm_admin[0]
    run = await start_import(principal, SAMPLES / "slack-export.zip", "conversations.message")
    assert run["format"] == "conversations.slack"
    assert await commit_import(principal, run["id"]) == {"create": 2, "update": 0, "skip": 1, "error": 0}
    rows = await fetch("SELECT sender, direction, thread, attachments FROM conversations_message ORDER BY sent_at")
    assert [(row["sender"], row["direction"]) for row in rows] == [("ann@example.org", "inbound"),
                                                                  ("sam@acme.example", "outbound")]
    assert rows[0]["thread"] == rows[1]["thread"] and "label.pdf" in rows[1]["attachments"]
    timeline = (await crm_client.get(f"/api/v1/contacts/{ann['id']}/timeline")).json()["items"]
    assert len(timeline) == 2
