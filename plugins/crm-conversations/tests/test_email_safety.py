"""Hostile and broken mail: each message fails (or is flagged) with its reason alone, and the
rest of the archive reads on. Property tests: the readers never raise on any bytes."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from crm_conversations.messages import sanitise_html
from crm_conversations.sources.archives import UnsafeArchive, mbox_messages, zip_messages
from crm_conversations.sources.email_parse import ROW_COLUMNS, normalise_message_id, parse_email
from crm_conversations.threading import reply_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mail import eml, mbox


def parse(text: str) -> dict[str, str]:
    return parse_email(text.encode())


def test_an_unescaped_from_line_in_a_body_stays_in_its_message():
    body = "Line one\n\nFrom the team, with thanks\nand more"
    messages = list(mbox_messages(io.BytesIO(mbox(eml("<a@x.org>", body=body), eml("<b@x.org>")))))
    assert len(messages) == 2
    assert "From the team, with thanks" in parse_email(messages[0])["body_text"]


def test_mboxrd_escaped_from_lines_are_unescaped():
    messages = list(mbox_messages(io.BytesIO(mbox(eml(body="Hi\n>From here on")))))
    assert ">From" not in parse_email(messages[0])["body_text"]
    assert "From here on" in parse_email(messages[0])["body_text"]


def test_cr_only_line_endings_are_read():
    row = parse_email(eml("<cr@x.org>", subject="Old Mac").replace("\n", "\r").encode())
    assert row["failure"] == "" and row["subject"] == "Old Mac" and row["message_id"] == "cr@x.org"


def test_broken_base64_fails_the_message_with_the_reason():
    row = parse(eml(extra="Content-Transfer-Encoding: base64", body="SGVsbG8@@@!!!=x="))
    assert row["failure"] == "the text's base64 encoding is broken"


def test_good_base64_is_decoded():
    body = base64.b64encode("Grüße".encode()).decode()
    row = parse(eml(extra="Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64", body=body))
    assert row["body_text"].strip() == "Grüße"


def test_an_unknown_charset_fails_the_message():
    row = parse(eml(extra="Content-Type: text/plain; charset=x-klingon"))
    assert "unknown charset 'x-klingon'" in row["failure"]


def test_a_header_of_100000_characters_fails_the_message():
    row = parse(eml(subject="x" * 100_000))
    assert "the Subject header is 100,00" in row["failure"]
    assert row["external_id"] == "m1@example.org"


def test_ten_thousand_mime_parts_fail_the_message():
    parts = "".join("--b\nContent-Type: text/plain\n\npart\n" for _ in range(10_000))
    row = parse(eml(extra='MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"', body=parts + "--b--"))
    assert row["failure"] == "the message has more than 1,000 MIME parts"


def test_messages_nested_100_deep_fail_the_message():
    text = "From: a@x.org\nSubject: inner\n\nbody\n"
    for _ in range(100):
        text = f"From: a@x.org\nSubject: wrap\nContent-Type: message/rfc822\n\n{text}"
    row = parse(text)
    assert "nests attached messages more than 20 deep" in row["failure"]


def test_a_missing_message_id_gets_the_same_stable_id_each_time():
    first, second = parse(eml(None)), parse(eml(None))
    assert first["message_id"] == second["message_id"] and first["message_id"].endswith("@no-message-id")
    assert parse(eml(None, body="other"))["message_id"] != first["message_id"]


def test_a_from_header_naming_two_addresses_is_flagged_and_attributed_to_no_one():
    row = parse(eml(sender="alice@example.org)<bob@example.org>"))
    assert row["sender"] == "" and "malformed-from" in row["flags"]


def test_a_subject_with_line_breaks_is_one_line():
    row = parse_email(b"From: a@x.org\nSubject: =?utf-8?q?Hi=0D=0ABcc=3A_evil=40x.org?=\nMessage-ID: <i@x.org>\n\nx\n")
    assert "\r" not in row["subject"] and "\n" not in row["subject"] and row["subject"] == "Hi Bcc: evil@x.org"


@pytest.mark.parametrize("extra, reason", [
    ("Auto-Submitted: auto-replied", "Auto-Submitted"), ("Precedence: bulk", "Precedence: bulk"),
    ("Precedence: list", "Precedence: list"), ("List-Id: <a.b.c>", "mailing-list"),
])
def test_automatic_and_list_mail_is_marked_to_skip(extra, reason):
    assert reason in parse(eml(extra=extra))["flags"]


def test_no_reply_senders_are_marked_to_skip():
    assert "no-reply sender" in parse(eml(sender="Shop <no-reply@shop.example>"))["flags"]


def test_hostile_html_is_stripped():
    html = ('<p>Hi</p><script>alert(1)</script><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">x</a>'
            '<svg onload="alert(1)"></svg><base href="http://evil/"><form action="/x"><input></form>'
            '<meta http-equiv="refresh" content="0;url=http://evil/"><div hx-get="/api/v1/x" hx-trigger="load">d</div>')
    clean = sanitise_html(html)
    for bad in ("<script", "onerror", "javascript:", "onload", "<base", "<form", "<meta", "hx-get", "<svg"):
        assert bad not in clean
    assert "<p>Hi</p>" in clean


def _zip(entries: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer


@pytest.mark.parametrize("name, words", [("/etc/passwd.eml", "absolute path"), ("a/../../x.eml", "'..'")])
def test_zips_with_dangerous_paths_are_refused_whole(tmp_path, name, words):
    path = tmp_path / "bad.zip"
    path.write_bytes(_zip({"ok.eml": eml().encode(), name: b"x"}).getvalue())
    with pytest.raises(UnsafeArchive, match=words):
        list(zip_messages(path))


def test_a_zip_with_a_symlink_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("cur/link")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    path = tmp_path / "link.zip"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnsafeArchive, match="symbolic link"):
        list(zip_messages(path))


def test_a_zip_bomb_ratio_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.eml", b"\0" * (50 * 1024 * 1024))
    path = tmp_path / "bomb.zip"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnsafeArchive, match="compressed more than"):
        list(zip_messages(path))


def test_overlapping_zip_entries_are_refused(tmp_path):
    """Two central directory entries pointing at one local entry (the CVE-2024-0450 shape)."""
    data = _zip({"a.eml": eml().encode()}).getvalue()
    directory = data.index(b"PK\x01\x02")
    end = data.index(b"PK\x05\x06")
    entry = data[directory:end]
    second = entry.replace(b"a.eml", b"b.eml")
    eocd = bytearray(data[end:])
    count = int.from_bytes(eocd[10:12], "little") + 1
    eocd[8:10] = eocd[10:12] = count.to_bytes(2, "little")
    eocd[12:16] = (2 * len(entry)).to_bytes(4, "little")
    path = tmp_path / "overlap.zip"
    path.write_bytes(data[:directory] + entry + second + bytes(eocd))
    with pytest.raises(UnsafeArchive, match="overlap"):
        list(zip_messages(path))


def test_a_maildir_in_a_zip_is_read_in_name_order(tmp_path):
    path = tmp_path / "maildir.zip"
    path.write_bytes(_zip({"INBOX/cur/2:2,S": eml("<two@x.org>").encode(), "INBOX/new/1": eml("<one@x.org>").encode(),
                           "INBOX/tmp/ignored": b"x", "INBOX/dovecot-uidlist": b"3 V1"}).getvalue())
    ids = [parse_email(raw)["message_id"] for raw in zip_messages(path)]
    assert ids == ["two@x.org", "one@x.org"]


def test_reply_tree_survives_a_references_cycle():
    messages = [{"id": 1, "message_id": "a@x", "in_reply_to": "b@x", "refs": "b@x"},
                {"id": 2, "message_id": "b@x", "in_reply_to": "a@x", "refs": "a@x"}]
    assert sorted(m["id"] for m, _ in reply_tree(messages)) == [1, 2]


quick = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_row_or_a_failure_never_an_exception(raw):
    row = parse_email(raw)
    assert set(row) == set(ROW_COLUMNS) and row["external_id"]


@quick
@given(st.lists(st.text(max_size=200), max_size=8))
def test_any_mbox_splits_without_losing_bytes_beyond_separators(bodies):
    text = "".join(f"From a@b.c Tue Dec  1 10:00:00 2026\nSubject: s\n\n{body}\n" for body in bodies)
    assert len(list(mbox_messages(io.BytesIO(text.encode())))) <= len(bodies)


@quick
@given(st.text(max_size=300))
def test_message_ids_normalise_to_one_spelling(text):
    once = normalise_message_id(text)
    if once:
        assert normalise_message_id(f"<{once}>") == once


@quick
@given(st.lists(st.tuples(st.sampled_from("abcde"), st.sampled_from("abcde"), st.sampled_from("abcde ")), max_size=12))
def test_reply_tree_keeps_every_message_once_whatever_the_references(links):
    messages = [{"id": n, "message_id": f"{own}@x", "in_reply_to": f"{parent}@x", "refs": f"{ref}@x"}
                for n, (own, parent, ref) in enumerate(links)]
    assert sorted(m["id"] for m, _ in reply_tree(messages)) == list(range(len(links)))


@quick
@given(st.text(max_size=500))
def test_sanitised_html_never_keeps_a_script(html):
    assert "<script" not in sanitise_html(html + "<script>x</script>").lower()
