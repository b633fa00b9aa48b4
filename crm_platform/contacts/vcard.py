"""vCard (RFC 2426 for 3.0, RFC 6350 for 4.0, and the 2.1 that older phones write): cards read
one at a time from a file, and a contact written as a card.

Reading is streaming and bounded: the file is read line by line, folded lines are joined,
and the binary properties (photos, logos, sounds, keys) are skipped as they are read, so a
card with a 60 MB photo costs no more memory than one without. Any other property longer
than :data:`MAX_PROPERTY_BYTES` is a broken file.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from crm_hookspecs import Principal

from crm_platform.contacts import listing, service
from crm_platform.contacts.service import RECORD_TYPE
from crm_platform.errors import Invalid
from crm_platform.records.reads import announce_read

MAX_PROPERTY_BYTES = 256 * 1024
# Properties whose value is a picture, a sound or a key: never imported, never kept in memory.
_BINARY = {b"PHOTO", b"LOGO", b"SOUND", b"KEY"}
# A property line: an optional group ("item1."), the name, the parameters, then the value.
_NAME = re.compile(rb"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)")


class CardProblem(ValueError):
    """The file cannot be read as vCards; the message names the line and what is wrong."""


@dataclass
class Property:
    name: str
    params: dict[str, list[str]]
    value: str

    @property
    def types(self) -> set[str]:
        return {item.lower() for item in self.params.get("TYPE", [])}


@dataclass
class Card:
    """One contact card: its properties in file order, the line it started on."""

    line: int
    properties: list[Property] = field(default_factory=list)

    def all(self, name: str) -> list[Property]:
        return [prop for prop in self.properties if prop.name == name]

    def first(self, name: str) -> str:
        found = self.all(name)
        return found[0].value if found else ""


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _params(raw: str) -> dict[str, list[str]]:
    """``;TYPE=work,voice;CHARSET=utf-8`` as ``{"TYPE": ["work", "voice"], ...}``; a bare
    2.1 parameter (``;WORK``, ``;QUOTED-PRINTABLE``) is a type or an encoding."""
    params: dict[str, list[str]] = {}
    for part in _split_outside_quotes(raw, ";"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            key, value = ("ENCODING" if key.upper() in {"QUOTED-PRINTABLE", "BASE64", "8BIT"} else "TYPE"), key
        values = [item for item in value.replace('"', "").split(",") if item]
        params.setdefault(key.strip().upper(), []).extend(values)
    return params


def unescape(text: str) -> str:
    """A text value as written, its ``\\n``, ``\\,``, ``\\;`` and ``\\\\`` undone."""
    return re.sub(r"\\([nN,;:\\])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def components(value: str) -> list[str]:
    """A structured value (``N``, ``ORG``, ``ADR``) split at its unescaped ``;``, each unescaped."""
    parts, current, index = [], [], 0
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            current.append(value[index:index + 2])  # an escape, undone below with the rest
            index += 2
            continue
        if char == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return [unescape(part) for part in parts]


def _decode(raw: bytes, params: dict[str, list[str]]) -> str:
    if any(item.upper() == "QUOTED-PRINTABLE" for item in params.get("ENCODING", [])):
        raw = quopri.decodestring(raw)
    charset = (params.get("CHARSET") or ["utf-8"])[0]
    try:
        return raw.decode(charset)
    except (LookupError, UnicodeDecodeError):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace")


def _property(line: bytes) -> Property | None:
    match = _NAME.match(line)
    if match is None:
        return None
    name = match.group(1).decode("ascii").upper()
    rest = line[match.end():]
    # The value starts at the first colon outside a quoted parameter value.
    head = rest.decode("latin-1")
    colon = next((i for i, part in enumerate(_colon_positions(head)) if part), None)
    if colon is None:
        return None
    params = _params(head[:colon].lstrip(";"))
    return Property(name, params, _decode(rest[colon + 1:], params))


def _colon_positions(text: str) -> Iterator[bool]:
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        yield char == ":" and not quoted


def _logical_lines(file: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Each property line, unfolded, with the number of its first physical line. The value of
    a binary property is dropped as it is read; any other line over the limit is an error."""
    number, start, current, skipping, size = 0, 0, bytearray(), False, 0
    for physical in file:
        number += 1
        if number == 1:
            physical = physical.removeprefix(b"\xef\xbb\xbf")
        text = physical.rstrip(b"\r\n")
        soft_break = bool(current) and current.endswith(b"=") and b"QUOTED-PRINTABLE" in current.upper()
        if (current or skipping) and text[:1] in (b" ", b"\t"):
            text = text[1:]  # a folded line: its first white space is the fold
        elif current and soft_break:
            current = current[:-1]  # quoted-printable of vCard 2.1 breaks lines with a trailing "="
        else:
            if current:
                yield start, bytes(current)
            start, current, size = number, bytearray(), 0
            match = _NAME.match(text)
            skipping = bool(match) and match.group(1).upper() in _BINARY  # type: ignore[union-attr]
        if skipping:
            continue
        size += len(text)
        if size > MAX_PROPERTY_BYTES:
            raise CardProblem(f"line {start}: a property is over {MAX_PROPERTY_BYTES // 1024} KiB long")
        current += text
    if current:
        yield start, bytes(current)


def read_cards(file: BinaryIO) -> Iterator[Card]:
    """Each card of a file opened in binary, one at a time. :class:`CardProblem` for text
    outside a card, a card inside a card, or a card without its ``END:VCARD``."""
    card: Card | None = None
    for number, line in _logical_lines(file):
        if not line.strip():
            continue
        upper = line.strip().upper()
        if upper == b"BEGIN:VCARD":
            if card is not None:
                raise CardProblem(f"line {number}: a card begins inside the card of line {card.line}; "
                                  "each BEGIN:VCARD needs its END:VCARD first")
            card = Card(number)
            continue
        if upper == b"END:VCARD":
            if card is None:
                raise CardProblem(f"line {number}: END:VCARD without a BEGIN:VCARD")
            yield card
            card = None
            continue
        if card is None:
            raise CardProblem(f"line {number}: text outside a card; a vCard file holds BEGIN:VCARD … END:VCARD blocks")
        prop = _property(line)
        if prop is not None:
            card.properties.append(prop)
    if card is not None:
        raise CardProblem(f"the card of line {card.line} has no END:VCARD; the file may be cut short")


# --- writing -------------------------------------------------------------------------------


def escape(text: str) -> str:
    """A text value escaped per RFC 6350 3.4: backslash, comma, semicolon and newlines."""
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """A content line folded at 75 octets (RFC 6350 3.2), never inside a UTF-8 character."""
    out, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def _type_param(label: str, allowed: set[str]) -> str:
    word = {"mobile": "cell"}.get(label.lower(), label.lower())
    return f";TYPE={word}" if word in allowed else ""


def write_card(contact: dict[str, Any], company: str = "", version: str = "4.0") -> str:
    """A contact (its ``display_name``, ``given_name``, ``family_name``, ``emails``,
    ``phones``, ``job_title``, ``id``) as one card, lines ended with CRLF."""
    lines = ["BEGIN:VCARD", f"VERSION:{version}", "FN:" + escape(contact.get("display_name") or "")]
    lines.append("N:" + ";".join(escape(part) for part in (contact.get("family_name") or "",
                                                           contact.get("given_name") or "", "", "", "")))
    for item in contact.get("emails") or []:
        lines.append("EMAIL" + _type_param(item.get("label", ""), {"work", "home"}) + ":" + escape(item["address"]))
    for item in contact.get("phones") or []:
        kind = _type_param(item.get("label", ""), {"work", "home", "cell", "fax"})
        number = item["number"]
        lines.append(f"TEL{kind};VALUE=uri:tel:{number}" if version == "4.0" else f"TEL{kind}:{escape(number)}")
    if company:
        lines.append("ORG:" + escape(company))
    if contact.get("job_title"):
        lines.append("TITLE:" + escape(contact["job_title"]))
    if contact.get("id") is not None:
        lines.append(f"UID:urn:crm:contact:{contact['id']}")
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


# --- exporting ------------------------------------------------------------------------------

VERSIONS = ("3.0", "4.0")
# Contacts read per query while a list is exported.
_PAGE = 200


def check_version(version: str) -> str:
    if version not in VERSIONS:
        raise Invalid({"version": f"{version!r} is not a vCard version this exports; choose 3.0 or 4.0"})
    return version


def _company(contact: dict[str, Any]) -> str:
    # ``companies`` holds only those the reader may see, so a hidden company's name never leaves.
    companies = contact.get("companies") or []
    return companies[0]["name"] if companies else ""


async def contact_card(principal: Principal, contact_id: int, version: str = "4.0", request: Any = None) -> str:
    """The contact's card, if ``principal`` may see it. Plugins hear of the read first
    (``crm_records_read``), so what they hide from this reader stays out of the card."""
    check_version(version)
    contact = await service.get(principal, contact_id)
    await announce_read(principal, RECORD_TYPE, [contact], "export", request)
    return write_card(contact, _company(contact), version)


async def list_cards(
    principal: Principal, filters: listing.ContactFilters, version: str = "4.0", request: Any = None
) -> AsyncIterator[str]:
    """The cards of every contact of the filtered list ``principal`` may see, a keyset page
    at a time, so memory stays one page whatever the list's length. The first page is read
    here, so wrong filters are an error (422) before any of the file is sent."""
    check_version(version)
    rows, cursor = await listing.list_contacts(principal, filters, "display_name", _PAGE, None)
    return _pages(principal, filters, version, request, rows, cursor)


async def _pages(
    principal: Principal, filters: listing.ContactFilters, version: str, request: Any,
    rows: list[dict[str, Any]], cursor: str | None,
) -> AsyncIterator[str]:
    while True:
        await announce_read(principal, RECORD_TYPE, rows, "export", request)
        yield "".join(write_card(row, _company(row), version) for row in rows)
        if cursor is None:
            return
        rows, cursor = await listing.list_contacts(principal, filters, "display_name", _PAGE, cursor)
