"""vCard files as Google Contacts, Apple Contacts and Outlook export them, read card by card
and imported through the same run as CSV: dry run, commit, ledger, rollback; and the files
that are broken, each refused with the line and what is wrong."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_platform.contacts.vcard import CardProblem, read_cards, write_card
from crm_platform.db.raw import fetch
from crm_platform.imports import engine, ledger, rollback, service, vcardfile
from crm_platform.imports.sniff import FileProblem
from crm_platform.records.tables import CustomField

SAMPLES = Path(__file__).parent / "samples"


def _rows(name: str) -> list[dict[str, str]]:
    return list(vcardfile.rows(str(SAMPLES / name)))


def test_google_contacts_cards_fill_names_emails_phones_and_skip_the_photo():
    ada, charles = _rows("google-contacts.vcf")
    assert ada == {
        "Full name": "Ada Lovelace", "First name": "Ada", "Last name": "Lovelace",
        "Email": "ada@analytical.example", "Email 2": "ada.home@example.org",
        "Mobile": "+44 20 7946 0018", "Phone": "(415) 555-2671", "Organisation": "Analytical Engines Ltd.",
        "Title": "Chief Mathematician", "Note": "Met at the Royal Society, London.\nLikes poetry.",
        "Birthday": "1815-12-10",
    }
    assert charles == {"Full name": "Charles Babbage", "First name": "Charles", "Last name": "Babbage",
                       "Email": "charles@analytical.example"}


def test_apple_cards_with_grouped_properties_folded_lines_and_utf8():
    (juergen,) = _rows("apple-contacts.vcf")
    assert juergen["Full name"] == "Jürgen Müller" and juergen["Organisation"] == "Brauerei Köln GmbH"
    assert juergen["Email"] == "juergen@brauerei-koeln.example"
    assert juergen["Mobile"] == "+49 171 1234567" and juergen["Phone"] == "+49 221 123456"
    assert juergen["Note"] == ("Prefers meetings in the morning; never on Fridays. This note is long enough "
                               "that Apple folds it across more than one line, as RFC 2426 allows.")
    assert juergen["Birthday"] == "1980-02-29"


def test_outlook_21_cards_with_quoted_printable_and_a_windows_charset():
    (hanna,) = _rows("outlook.vcf")
    assert (hanna["First name"], hanna["Last name"], hanna["Full name"]) == ("Hanna", "Grün", "Hanna Grün")
    assert hanna["Note"] == "Erster Termin am Montag.\r\nZweite Zeile mit Umlaut: ü und mehr."
    assert hanna["Mobile"] == "+41 79 123 45 67" and hanna["Phone"] == "+41 44 668 18 00"
    assert hanna["Birthday"] == "1975-03-01" and hanna["Email"] == "hanna.gruen@fabrikam.example"


def test_version_4_cards_with_tel_uris_quoted_types_and_a_uid():
    (grace,) = _rows("version4.vcf")
    assert grace["Mobile"] == "+1-202-555-0143"
    assert grace["UID"] == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert grace["Birthday"] == "--1209" and grace["Organisation"] == "US Navy"


def _card_file(tmp_path, text: str, name: str = "cards.vcf") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\n", "the card of line 1 has no END:VCARD"),
    ("BEGIN:VCARD\nFN:Ada\nBEGIN:VCARD\nFN:Bob\nEND:VCARD\nEND:VCARD\n", "line 3: a card begins inside the card of line 1"),
    ("Name,Email\nAda,ada@example.com\n", "line 1: text outside a card"),
    ("BEGIN:VCARD\nNOTE:" + "x" * 300_000 + "\nEND:VCARD\n", "line 2: a property is over 256 KiB long"),
])
def test_broken_files_are_refused_with_the_line_and_what_is_wrong(tmp_path, text, message):
    with pytest.raises(FileProblem, match=message):
        list(vcardfile.rows(str(_card_file(tmp_path, text))))


def test_a_huge_photo_is_skipped_as_it_is_read(tmp_path):
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "A" * 70 + "".join("\n " + "A" * 74 for _ in range(100_000))
    path = _card_file(tmp_path, f"BEGIN:VCARD\nVERSION:3.0\nFN:Ada\n{photo}\nEMAIL:ada@example.com\nEND:VCARD\n")
    assert path.stat().st_size > 7_000_000
    assert list(vcardfile.rows(str(path))) == [{"Full name": "Ada", "Email": "ada@example.com"}]


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(",;:\\\n\"="), max_size=120)


@settings(max_examples=150, deadline=None)
@given(given_name=_text, family_name=_text, title=_text, company=_text, version=st.sampled_from(["3.0", "4.0"]))
def test_any_text_written_to_a_card_reads_back_the_same(given_name, family_name, title, company, version):
    contact = {"display_name": f"{given_name} {family_name}", "given_name": given_name, "family_name": family_name,
               "job_title": title, "emails": [{"address": "a@example.com", "label": "work"}],
               "phones": [{"number": "+14155552671", "label": "mobile"}]}
    text = write_card(contact, company, version)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    (card,) = read_cards(io.BytesIO(text.encode()))
    row = vcardfile.row_of(card)
    assert row.get("First name", "") == given_name.strip() and row.get("Last name", "") == family_name.strip()
    assert row.get("Title", "") == title.strip() and row.get("Organisation", "") == company.strip()
    assert row["Email"] == "a@example.com" and row["Mobile"] == "+14155552671"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.lists(st.sampled_from(
    [b"BEGIN:VCARD", b"END:VCARD", b"FN:A", b" folded", b"N:a;b", b"PHOTO:xx", b"", b"EMAIL;TYPE=\"a,b\":x",
     b"NOTE;ENCODING=QUOTED-PRINTABLE:=C3=", b"TEL;CHARSET=nope:1"]), max_size=12).map(b"\r\n".join))
def test_the_parser_yields_cards_or_says_what_is_wrong_for_any_bytes(data):
    try:
        for card in read_cards(io.BytesIO(data)):
            vcardfile.row_of(card)
    except CardProblem:
        pass


async def test_a_vcard_file_imports_through_the_run_and_rolls_back(crm_app, crm_admin):
    principal, _ = crm_admin
    await CustomField.insert(CustomField(record_type="contact", key="birthday", label="Birthday", kind="date"))
    path = SAMPLES / "google-contacts.vcf"
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    run = await service.runs.load(run_id)
    assert run["format"] == "vcard"
    assert run["mapping"] == {
        "Full name": "display_name", "First name": "given_name", "Last name": "family_name", "Email": "email",
        "Email 2": "email_2", "Email 3": "email_3", "Phone": "phone", "Phone 2": "phone_2", "Mobile": "mobile",
        "Title": "job_title", "Organisation": "company", "Birthday": "custom.birthday"}
    # Ada's organisation becomes a company, made by the commit.
    assert await engine.dry_run(run_id, principal) == {"create": 2, "update": 0, "skip": 0, "error": 0,
                                                       "new_companies": 1}
    assert await fetch("SELECT id FROM crm_contact") == []
    assert (await engine.commit(run_id, principal))["create"] == 2
    rows = await fetch("SELECT display_name, primary_email, phones, custom FROM crm_contact ORDER BY display_name")
    assert [row["display_name"] for row in rows] == ["Ada Lovelace", "Charles Babbage"]
    assert "+442079460018" in str(rows[0]["phones"]) and "+14155552671" in str(rows[0]["phones"])
    assert "1815-12-10" in str(rows[0]["custom"])
    found = await ledger.lookup(run_id, "commit", "charles@analytical.example")
    assert [(row["row_number"], row["outcome"]) for row in found] == [(2, "create")]
    again = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    assert await engine.dry_run(again, principal) == {"create": 0, "update": 0, "skip": 2, "error": 0}
    assert (await rollback.rollback(run_id, principal))["removed"] == 2
    assert await fetch("SELECT id FROM crm_contact") == []


async def test_cards_that_all_have_a_uid_match_earlier_imports_by_it(crm_app, crm_admin):
    principal, _ = crm_admin
    path = SAMPLES / "version4.vcf"
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    run = await service.runs.load(run_id)
    assert run["mapping"]["UID"] == "external_id" and run["match_key"] == "external_id"


async def test_without_a_birthday_field_the_birthday_is_not_imported(crm_app, crm_admin):
    principal, _ = crm_admin
    path = SAMPLES / "apple-contacts.vcf"
    run_id = await service.start(principal, path, path.name, "contact", path.stat().st_size)
    assert "Birthday" not in (await service.runs.load(run_id))["mapping"]


async def test_the_command_line_imports_a_vcard_file_with_the_suggested_mapping(crm_app, crm_admin, crm_cli):
    path = SAMPLES / "outlook.vcf"
    dry = crm_cli("import", str(path), "--kind", "contact", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would: 1 create, 0 update, 0 skip, 0 error" in dry.output
    done = crm_cli("import", str(path), "--kind", "contact")
    assert "done: 1 create" in done.output, done.output
    rows = await fetch("SELECT display_name, job_title, phones FROM crm_contact")
    assert rows[0]["display_name"] == "Hanna Grün" and rows[0]["job_title"] == "Einkauf"
    assert "+41791234567" in str(rows[0]["phones"]) and "+41446681800" in str(rows[0]["phones"])
