"""The core's vCard importer: each card of a ``.vcf`` file (2.1, 3.0 or 4.0, as Google
Contacts, Apple Contacts and Outlook export them) is one row, its properties in columns whose
names the mapping recognises (``First name``, ``Email 2``, ``Mobile``, ``Birthday``…)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from crm_hookspecs import Importer

from crm_platform.contacts.vcard import Card, CardProblem, Property, components, read_cards, unescape
from crm_platform.imports.sniff import FileProblem

# Up to three emails and phones fill the contact's list fields; more are kept in their own columns.
_LISTED = 3
COLUMNS = [
    "Full name", "First name", "Last name", "Email", "Email 2", "Email 3", "Phone", "Phone 2", "Mobile",
    "Organisation", "Title", "Note", "Birthday", "UID",
]


def _birthday(value: str) -> str:
    """``19850412``, ``1985-04-12T00:00:00Z`` → ``1985-04-12``; a date without a year
    (``--0412``) is kept as written, for the field to say what it needs."""
    match = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})", value.strip())
    return "-".join(match.groups()) if match else value.strip()


def _phone(value: str) -> str:
    return value.strip().removeprefix("tel:")


def _not_preferred(prop: Property) -> bool:
    """Sorts the preferred first: ``TYPE=pref`` in 2.1 and 3.0, ``PREF=1`` in 4.0."""
    return "pref" not in prop.types and prop.params.get("PREF", ["100"])[0] != "1"


def row_of(card: Card) -> dict[str, str]:
    row: dict[str, str] = {}
    row["Full name"] = unescape(card.first("FN")).strip()
    name = components(card.first("N")) + ["", ""]
    row["Last name"], row["First name"] = name[0].strip(), name[1].strip()
    emails = [unescape(prop.value).strip() for prop in sorted(card.all("EMAIL"), key=_not_preferred)]
    for index, email in enumerate(e for e in emails if e):
        row["Email" if index == 0 else f"Email {index + 1}"] = email
    others: list[str] = []
    for prop in card.all("TEL"):
        number = _phone(unescape(prop.value))
        if not number:
            continue
        if "cell" in prop.types and "Mobile" not in row:
            row["Mobile"] = number
        else:
            others.append(number)
    for index, number in enumerate(others):
        row["Phone" if index == 0 else f"Phone {index + 1}"] = number
    row["Organisation"] = components(card.first("ORG"))[0].strip()
    row["Title"] = unescape(card.first("TITLE")).strip()
    row["Note"] = unescape(card.first("NOTE")).strip()
    row["Birthday"] = _birthday(card.first("BDAY"))
    row["UID"] = card.first("UID").strip()
    if not row["Full name"]:
        row["Full name"] = " ".join(part for part in (row["First name"], row["Last name"]) if part) or row["Organisation"]
    return {column: text for column, text in row.items() if text}


def _cards(path: str) -> Iterator[Card]:
    with Path(path).open("rb") as file:
        try:
            yield from read_cards(file)
        except CardProblem as exc:
            raise FileProblem(str(exc)) from None


def columns(path: str) -> list[str]:
    """The columns the cards may fill, read through once (which also checks the whole file).
    ``UID`` is one only when every card has one: rows then match earlier imports by it, and
    otherwise by email, so a re-run of a file whose cards lack UIDs updates instead of duplicating."""
    every_uid = True
    for card in _cards(path):
        every_uid = every_uid and bool(card.first("UID").strip())
    return COLUMNS if every_uid else [column for column in COLUMNS if column != "UID"]


def rows(path: str) -> Iterator[dict[str, str]]:
    for card in _cards(path):
        yield row_of(card)


def detect(head: bytes, filename: str) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \r\n\t").upper().startswith(b"BEGIN:VCARD") or filename.lower().endswith(
        (".vcf", ".vcard"))


VCARD = Importer(
    "vcard", "vCard (.vcf, from Google Contacts, Apple Contacts, Outlook)", detect=detect, columns=columns,
    rows=rows, kinds=("contact",), extensions=(".vcf", ".vcard"),
)
