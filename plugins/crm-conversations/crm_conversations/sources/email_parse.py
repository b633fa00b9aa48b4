"""One email (RFC 5322 bytes) as a row of text for the import: its ids, people, time, subject,
bodies and attachments' metadata, or the reason it cannot be read.

Every limit here is a per-message failure, so one hostile message never stops an archive:
the row says why in ``failure`` and the rest imports.
"""

from __future__ import annotations

import binascii
import email.utils
import hashlib
import json
import re
from email import errors as email_errors
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from typing import Any

MAX_MESSAGE_BYTES = 50 * 1024 * 1024
MAX_HEADER_CHARS = 16_000
MAX_PARTS = 1_000
MAX_DEPTH = 20
MAX_TEXT_CHARS = 200_000
MAX_SUBJECT_CHARS = 500

ROW_COLUMNS = (
    "external_id", "channel", "message_id", "subject", "sender", "sender_name", "recipients", "sent_at",
    "sent_tz", "body_text", "body_html", "attachments", "in_reply_to", "refs", "flags", "failure",
)
_MESSAGE_ID = re.compile(r"<([^<>\s]{1,300})>")
_ADDRESS = re.compile(r"[^\s<>()\",;:@\[\]]+@[^\s<>()\",;:@\[\]]+")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BASE64_DEFECTS = (email_errors.InvalidBase64PaddingDefect, email_errors.InvalidBase64CharactersDefect,
                   email_errors.InvalidBase64LengthDefect)


class MessageProblem(ValueError):
    """A message that cannot be imported, and why."""


def normalise_message_id(text: str) -> str:
    """``<ABC@Example.COM>`` → ``ABC@example.com``: the domain part is case-insensitive, the
    local part is kept as written; ``""`` when the header holds no id."""
    found = _MESSAGE_ID.search(text or "")
    value = found.group(1) if found else (text or "").strip()
    if not value or any(ch.isspace() or ch in "<>" for ch in value) or len(value) > 300:
        return ""
    local, at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}" if at else value


def message_ids(text: str) -> list[str]:
    """Every id in a References or In-Reply-To header, in order, each once."""
    seen: dict[str, None] = {}
    for match in _MESSAGE_ID.finditer(text or ""):
        if value := normalise_message_id(f"<{match.group(1)}>"):
            seen.setdefault(value, None)
    return list(seen)


def one_line(text: str) -> str:
    """A header's text on one line: folding, CR and LF become spaces, other control characters
    go, so nothing read from a message can start a header of its own anywhere else."""
    return " ".join(_CONTROL.sub("", (text or "").replace("\r", " ").replace("\n", " ")).split())


def empty_row() -> dict[str, str]:
    return dict.fromkeys(ROW_COLUMNS, "") | {"channel": "email"}


def failed_row(raw: bytes, reason: str, message_id: str = "") -> dict[str, str]:
    row = empty_row()
    row["external_id"] = row["message_id"] = message_id or f"sha256-{hashlib.sha256(raw).hexdigest()[:40]}@unreadable"
    row["failure"] = reason
    return row


def _raw_message_id(raw: bytes) -> str:
    head = raw[:4 * 1024 * 1024].split(b"\n\n", 1)[0]
    found = re.search(rb"^message-id:[ \t]*(<[^<>\r\n]{1,300}>)", head, re.IGNORECASE | re.MULTILINE)
    return normalise_message_id(found.group(1).decode("ascii", "replace")) if found else ""


def parse_email(raw: bytes) -> dict[str, str]:
    """The row for one message; a message that cannot be read gives a row whose ``failure``
    says why (with its Message-ID when one can be found, so the ledger can be searched)."""
    try:
        return _parse(raw)
    except MessageProblem as exc:
        return failed_row(raw, str(exc), _raw_message_id(raw))
    except (RecursionError, LookupError, ValueError, TypeError, AttributeError, IndexError, binascii.Error) as exc:
        # The standard library's parser meeting something it has no defect class for.
        return failed_row(raw, f"the message cannot be read: {type(exc).__name__}: {str(exc)[:200]}",
                          _raw_message_id(raw))


def _line_endings(raw: bytes) -> bytes:
    if b"\n" not in raw[:65536] and b"\r" in raw:
        return raw.replace(b"\r", b"\n")  # CR-only endings (old Mac mail clients)
    return raw


def _check_headers(message: Message) -> None:
    for name, value in message.raw_items():
        if len(value) > MAX_HEADER_CHARS:
            raise MessageProblem(f"the {one_line(name)[:60]} header is {len(value):,} characters long; "
                                 f"at most {MAX_HEADER_CHARS:,} are read")


class _Headers:
    """A message's headers as text, each read once. ``policy.default`` builds a structured
    header object (addresses parsed, ids parsed) on every ``message.get``, which was most of
    the time a message took to read; the reader parses addresses, ids and dates itself, so
    plain ASCII headers are only unfolded. A header with encoded words or 8-bit bytes is left
    to the policy, which decodes it."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self.values: dict[str, list[str]] = {}
        for name, value in message.raw_items():
            self.values.setdefault(name.lower(), []).append(value)

    def _text(self, name: str, index: int, value: str) -> str:
        if value.isascii() and "=?" not in value:
            return _FOLD.sub("", value).strip()
        return str(self.message.get_all(name, [])[index])

    def get(self, name: str, default: str = "") -> str:
        found = self.values.get(name.lower())
        return self._text(name, 0, found[0]) if found else default

    def get_all(self, name: str, default: Any = None) -> list[str]:
        found = self.values.get(name.lower())
        return [self._text(name, index, value) for index, value in enumerate(found)] if found else (default or [])

    def raw_items(self) -> Any:
        return self.message.raw_items()


def _parse(raw: bytes) -> dict[str, str]:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MessageProblem(f"the message is {len(raw):,} bytes; at most {MAX_MESSAGE_BYTES:,} are read")
    raw = _line_endings(raw)
    head = raw.split(b"\n\n", 1)[0]
    if len(head) > 64 * MAX_HEADER_CHARS:
        raise MessageProblem(f"the headers are {len(head):,} bytes long; at most {64 * MAX_HEADER_CHARS:,} are read")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    _check_headers(message)
    headers = _Headers(message)
    if not any(headers.get(name) for name in ("From", "Date", "Subject", "Message-ID", "To")):
        raise MessageProblem("no headers: not an email, or the rest of the previous one after an unescaped "
                             "'From ' line in an mbox")
    row = empty_row()
    parts = _walk(message)
    row["message_id"] = normalise_message_id(str(headers.get("Message-ID", "")))
    if not row["message_id"]:
        row["message_id"], row["flags"] = _stable_id(headers, raw), "no-message-id"
    row["external_id"] = row["message_id"]
    row["subject"] = one_line(str(headers.get("Subject", "")))[:MAX_SUBJECT_CHARS]
    sender, name, suspicious = sender_of(headers)
    row["sender"], row["sender_name"] = sender, name[:200]
    if suspicious:
        row["flags"] = " ".join(filter(None, [row["flags"], "malformed-from"]))
    row["recipients"] = ", ".join(recipients_of(headers))
    row["sent_at"], row["sent_tz"] = _date_of(headers)
    row["in_reply_to"] = " ".join(message_ids(str(headers.get("In-Reply-To", ""))))[:300]
    row["refs"] = " ".join(message_ids(str(headers.get("References", ""))))
    if skip := skip_reason(headers, sender):
        row["flags"] = " ".join(filter(None, [row["flags"], f"skip:{skip}"]))
    text, html, attachments = _bodies(parts)
    row["body_text"], row["body_html"] = text[:MAX_TEXT_CHARS], html[:MAX_TEXT_CHARS * 2]
    row["attachments"] = json.dumps(attachments) if attachments else ""
    return row


def _stable_id(message: Message | _Headers, raw: bytes) -> str:
    """An id for a message without one, the same each time the same message is read."""
    basis = "\n".join(one_line(str(message.get(name, ""))) for name in ("From", "To", "Date", "Subject"))
    digest = hashlib.sha256(basis.encode() + b"\n" + raw.split(b"\n\n", 1)[-1]).hexdigest()
    return f"sha256-{digest[:40]}@no-message-id"


def _walk(message: Message) -> list[Message]:
    """Every leaf part, depth first; too many parts or too deep a nesting is a failure."""
    found: list[Message] = []
    stack: list[tuple[Message, int]] = [(message, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > MAX_PARTS:
            raise MessageProblem(f"the message has more than {MAX_PARTS:,} MIME parts")
        if depth > MAX_DEPTH:
            raise MessageProblem(f"the message nests attached messages more than {MAX_DEPTH} deep")
        if part.is_multipart():
            payload = part.get_payload()
            children = payload if isinstance(payload, list) else [payload]
            stack.extend((child, depth + 1) for child in reversed(children) if isinstance(child, Message))
        else:
            found.append(part)
    return found


def sender_of(message: Message) -> tuple[str, str, bool]:
    """``(address, name, suspicious)`` of the From header. A header whose text names another
    address than the one parsed from it (``alice@example.org)<bob@example.org>``), or none
    that parses, is suspicious: the message is attributed to no one."""
    # The header as written: the parsed form would already have dropped what makes it suspicious.
    raw = one_line(next((str(value) for name, value in message.raw_items() if name.lower() == "from"), ""))
    if not raw:
        return "", "", False
    addresses = {found.lower() for found in _ADDRESS.findall(raw)}
    _, address = email.utils.parseaddr(raw)
    address = address.lower()
    try:  # the name as the reader shows it, its RFC 2047 words decoded
        name = email.utils.parseaddr(one_line(str(message.get("From", ""))))[0]
    except (ValueError, TypeError, IndexError):
        name = ""
    balanced = raw.count("(") == raw.count(")") and raw.count("<") == raw.count(">")
    if not address or "@" not in address or addresses != {address} or not balanced:
        return "", one_line(name), True
    return address, one_line(name), False


def recipients_of(message: Message) -> list[str]:
    headers = [one_line(str(value)) for name in ("To", "Cc") for value in message.get_all(name, [])]
    seen: dict[str, None] = {}
    for _name, address in email.utils.getaddresses(headers):
        address = address.strip().lower()
        if "@" in address and len(address) <= 254 and _ADDRESS.fullmatch(address):
            seen.setdefault(address, None)
    return list(seen)[:100]


def skip_reason(message: Message, sender: str) -> str:
    """Why a message is not a conversation with a person (RFC 3834 auto-replies, bulk and list
    mail, no-reply senders), or ``""``."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto != "no":
        return f"an automatic message (Auto-Submitted: {one_line(auto)[:40]})"
    precedence = str(message.get("Precedence", "")).strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return f"bulk or list mail (Precedence: {precedence})"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing-list mail (List-Id or List-Unsubscribe)"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "an auto-reply"
    local = sender.partition("@")[0]
    if re.fullmatch(r"(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|bounces?)([-+_.].*)?", local):
        return f"a no-reply sender ({sender})"
    return ""


def _date_of(message: Message) -> tuple[str, str]:
    """The time sent in ISO form with the sender's own offset, and that offset (``+02:00``)."""
    text = one_line(str(message.get("Date", "")))
    try:
        moment = email.utils.parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError):
        moment = None
    if moment is None or moment.tzinfo is None or not 1970 <= moment.year <= 2200:
        return "", ""
    offset = moment.strftime("%z")
    return moment.isoformat(), f"{offset[:3]}:{offset[3:]}"


def _bodies(parts: list[Message]) -> tuple[str, str, list[dict[str, Any]]]:
    text = html = ""
    attachments: list[dict[str, Any]] = []
    for part in parts:
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition != "attachment" and not filename and content_type in ("text/plain", "text/html"):
            body = _text_of(part)
            if content_type == "text/plain" and not text:
                text = body
            elif content_type == "text/html" and not html:
                html = body
            continue
        payload = part.get_payload(decode=True) or b""
        attachments.append({
            "name": one_line(filename or "")[:255] or "(no name)", "type": content_type[:100],
            "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest(),
        })
    return text, html, attachments[:200]


def _text_of(part: Message) -> str:
    charset = part.get_content_charset() or "us-ascii"
    try:
        "".encode(charset)
    except LookupError:
        raise MessageProblem(f"the text is in an unknown charset {one_line(charset)[:40]!r}") from None
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    payload = part.get_payload(decode=True) or b""
    if encoding == "base64" and any(isinstance(defect, _BASE64_DEFECTS) for defect in part.defects):
        raise MessageProblem("the text's base64 encoding is broken")
    if isinstance(part, EmailMessage) and encoding != "base64":
        try:
            return str(part.get_content())
        except (LookupError, UnicodeError):
            pass
    return payload.decode(charset, errors="replace")
