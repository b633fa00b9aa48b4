"""Email end to end against the test kit's real SMTP server: a message to the desk opens a
ticket, the agent's reply goes out threaded, and the customer's answer joins the same ticket."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import make_msgid

TICKETS = "/api/v1/desk/tickets"


def _mail(tmp_path, name: str, subject: str, body: str, *, sender="Ada Lovelace <ada@example.com>", **headers) -> str:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="example.com"))
    for header, value in headers.items():
        message[header.replace("_", "-")] = value
    message.set_content(body)
    path = tmp_path / f"{name}.eml"
    path.write_bytes(bytes(message))
    return str(path)


async def test_mail_in_reply_out_and_the_answer_threads_back(crm_client, crm_cli, crm_smtp, crm_run_jobs, tmp_path):
    question = _mail(tmp_path, "question", "Printer on fire", "It is smoking.", message_id="<q1@example.com>")
    result = crm_cli("desk", "mail-in", question)
    assert result.exit_code == 0, result.output
    assert "opened ticket #" in result.output
    [ticket] = (await crm_client.get(TICKETS)).json()["items"]
    assert (ticket["subject"], ticket["channel"], ticket["assignee_id"]) == ("Printer on fire", "email", None)
    requester = (await crm_client.get(f"/api/v1/contacts/{ticket['requester_id']}")).json()
    assert (requester["display_name"], "auto-created" in requester["tags"]) == ("Ada Lovelace", True)

    reply = await crm_client.post(f"{TICKETS}/{ticket['id']}/messages", json={"body": "Unplug it, please."})
    assert reply.status_code == 201, reply.text
    await crm_run_jobs()
    [sent] = crm_smtp.to("ada@example.com")
    assert sent.subject == f"Re: [#{ticket['id']}] Printer on fire"
    assert sent.message["In-Reply-To"] == "<q1@example.com>"
    assert "<q1@example.com>" in sent.message["References"]
    assert sent.body().strip() == "Unplug it, please."
    await crm_run_jobs()
    assert len(crm_smtp.to("ada@example.com")) == 1  # sent once

    answer = _mail(
        tmp_path, "answer", sent.subject, "Unplugged, thanks.",
        In_Reply_To=sent.message["Message-ID"], References=f"<q1@example.com> {sent.message['Message-ID']}",
    )
    result = crm_cli("desk", "mail-in", answer)
    assert result.exit_code == 0, result.output
    assert f"appended ticket #{ticket['id']}" in result.output
    assert len((await crm_client.get(TICKETS)).json()["items"]) == 1
    conversation = (await crm_client.get(f"{TICKETS}/{ticket['id']}/messages")).json()
    assert [(m["kind"], m["body"]) for m in conversation] == [
        ("customer", "It is smoking."), ("reply", "Unplug it, please."), ("customer", "Unplugged, thanks.")]

    # The second agent reply answers the customer's newest message and lists the whole thread.
    await crm_client.post(f"{TICKETS}/{ticket['id']}/messages", json={"body": "Glad to hear."})
    await crm_run_jobs()
    second = crm_smtp.to("ada@example.com")[-1]
    answer_id = [m for m in conversation if m["body"] == "Unplugged, thanks."]
    assert second.message["In-Reply-To"] != sent.message["In-Reply-To"]
    assert second.message["References"].split()[0] == "<q1@example.com>"
    assert len(second.message["References"].split()) == 3 and answer_id


async def test_a_subject_naming_the_ticket_joins_it_and_a_message_twice_changes_nothing(crm_client, crm_cli, tmp_path):
    first = crm_cli("desk", "mail-in", _mail(tmp_path, "one", "Invoice wrong", "Twice billed."))
    assert first.exit_code == 0, first.output
    [ticket] = (await crm_client.get(TICKETS)).json()["items"]
    follow = _mail(tmp_path, "two", f"About [#{ticket['id']}]", "Any news?", message_id="<news@example.com>")
    assert f"appended ticket #{ticket['id']}" in crm_cli("desk", "mail-in", follow).output
    again = crm_cli("desk", "mail-in", follow)
    assert "duplicate" in again.output
    assert len((await crm_client.get(f"{TICKETS}/{ticket['id']}/messages")).json()) == 2


async def test_an_answer_to_a_closed_ticket_opens_a_new_one_linked_to_it(crm_client, crm_cli, tmp_path):
    crm_cli("desk", "mail-in", _mail(tmp_path, "one", "Broken", "Help", message_id="<b1@example.com>"))
    [ticket] = (await crm_client.get(TICKETS)).json()["items"]
    await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"status": "solved"})
    reopened = crm_cli("desk", "mail-in", _mail(tmp_path, "two", "Re: Broken", "Still broken", In_Reply_To="<b1@example.com>"))
    assert f"reopened ticket #{ticket['id']}" in reopened.output
    assert (await crm_client.get(f"{TICKETS}/{ticket['id']}")).json()["status"] == "open"
    await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"status": "closed"})
    later = crm_cli("desk", "mail-in", _mail(tmp_path, "three", "Re: Broken", "Again", In_Reply_To="<b1@example.com>"))
    assert "followed_up" in later.output
    newest = (await crm_client.get(TICKETS, params={"sort": "newest"})).json()["items"][0]
    assert newest["id"] != ticket["id"]
    assert (await crm_client.get(f"{TICKETS}/{newest['id']}")).json()["reopened_from"] == ticket["id"]


async def test_a_solved_ticket_answered_after_the_reopen_window_gets_a_new_ticket(crm_client, crm_cli, crm_clock, tmp_path):
    crm_clock.set(dt.datetime(2026, 6, 1, 9))
    crm_cli("desk", "mail-in", _mail(tmp_path, "one", "Slow", "Slow site", message_id="<s1@example.com>"))
    [ticket] = (await crm_client.get(TICKETS)).json()["items"]
    await crm_client.patch(f"{TICKETS}/{ticket['id']}", json={"status": "solved"})
    crm_clock.advance(days=8)
    late = crm_cli("desk", "mail-in", _mail(tmp_path, "two", "Re: Slow", "Slow again", In_Reply_To="<s1@example.com>"))
    assert "followed_up" in late.output and "solved" in late.output


def test_a_file_that_is_not_a_message_is_refused(crm_cli, crm_admin, tmp_path):
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"no headers at all")
    result = crm_cli("desk", "mail-in", str(empty))
    assert result.exit_code != 0 and "sender" in result.output
    assert crm_cli("desk", "mail-in", str(tmp_path / "missing.eml")).exit_code != 0
