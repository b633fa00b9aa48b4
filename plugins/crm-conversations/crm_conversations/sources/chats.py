"""Chat exports as rows for the import: WhatsApp's ``.txt`` (iOS and Android, 12 and 24 hour
clocks, the U+200E and U+202F marks, day/month order read from the whole file, messages over
several lines, system lines) and the JSON of Facebook Messenger and Instagram (its text
repaired from the latin-1 mojibake those exports are written in).

A chat is one conversation: every message names the chat's first message, so they thread
together. A message has no id in these exports, so its id is a hash of the chat, the sender,
the time and the text: the same export imported twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crm_conversations.sources.email_parse import MAX_TEXT_CHARS, empty_row, one_line

MAX_CHAT_BYTES = 200 * 1024 * 1024
_MARKS = "\u200e\u200f\u202a\u202c\ufeff"
_SYSTEM = "\x00"
_LINE = re.compile(
    r"^\[?(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4}),?\s+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?"
    r"[\s\u202f\u00a0]*([AaPp]\.?\s?[Mm]\.?)?\]?\s*(?:-\s+)?(.*)$"
)
_MEDIA = re.compile(r"^(<Media omitted>|(image|video|audio|sticker|GIF|document) omitted|.*\(file attached\))$",
                    re.IGNORECASE)


@dataclass
class _Chat:
    lines: list[tuple[tuple[int, int, int, int, int, int, str], str]] = field(default_factory=list)


def _clean(text: str) -> str:
    return "".join(ch for ch in text if ch not in _MARKS).replace("\u202f", " ").replace("\u00a0", " ")


def _read_whatsapp(path: Path) -> list[tuple[tuple[int, int, int, int, int, int, str], str]]:
    """Each message's date fields as written and its text (multi-line messages joined)."""
    if path.stat().st_size > MAX_CHAT_BYTES:
        raise ValueError(f"the chat is {path.stat().st_size:,} bytes; at most {MAX_CHAT_BYTES:,} are read")
    entries: list[tuple[tuple[int, int, int, int, int, int, str], str]] = []
    with path.open(encoding="utf-8-sig", errors="replace") as file:
        for raw_line in file:
            # iOS marks system lines and media with U+200E after the sender; keep that as a sign.
            line = _clean(raw_line.rstrip("\r\n").replace(": \u200e", ": " + _SYSTEM))
            found = _LINE.match(line)
            if found:
                a, b, year, hour, minute, second, meridiem, rest = found.groups()
                stamp = (int(a), int(b), int(year), int(hour), int(minute), int(second or 0),
                         (meridiem or "").replace(".", "").replace(" ", "").lower())
                entries.append((stamp, rest))
            elif entries:
                stamp, text = entries[-1]
                entries[-1] = (stamp, f"{text}\n{line}")
            elif line.strip():
                raise ValueError("this is not a WhatsApp chat export: its first line has no date and time")
    return entries


def day_first(stamps: list[tuple[int, int, int, int, int, int, str]]) -> bool:
    """Whether dates are written day/month: a first number over 12 says so, a second one over
    12 says not; a file that never tells is read day first on a 24-hour clock (most of the
    world), month first on a 12-hour one (the US)."""
    if any(a > 12 for a, *_ in stamps):
        return True
    if any(b > 12 for _, b, *_ in stamps):
        return False
    return not any(stamp[6] for stamp in stamps)


def _moment(stamp: tuple[int, int, int, int, int, int, str], first_is_day: bool) -> dt.datetime | None:
    a, b, year, hour, minute, second, meridiem = stamp
    day, month = (a, b) if first_is_day else (b, a)
    year += 2000 if year < 100 else 0
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    try:
        # The export writes the phone's local time without its offset.
        return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    except ValueError:
        return None


def _stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def whatsapp_rows(path: str) -> Iterator[dict[str, str]]:
    entries = _read_whatsapp(Path(path))
    stamps = [stamp for stamp, _ in entries]
    first_is_day = day_first(stamps)
    messages: list[tuple[dt.datetime | None, str, str]] = []
    for stamp, rest in entries:
        author, separator, text = rest.partition(": ")
        messages.append((_moment(stamp, first_is_day), author.strip() if separator else "", text if separator else rest))
    authors = sorted({author for _, author, text in messages if author and not text.startswith(_SYSTEM)})
    chat = _stable_id("whatsapp", *authors)
    first_id = ""
    for moment, author, text in messages:
        row = empty_row() | {"channel": "whatsapp"}
        row["message_id"] = row["external_id"] = (
            f"{_stable_id(chat, author, moment.isoformat() if moment else '', text)}@whatsapp")
        row["sender"] = row["sender_name"] = author[:200]
        row["recipients"] = ", ".join(a for a in authors if a != author)
        row["sent_at"], row["sent_tz"] = (moment.isoformat(), "") if moment else ("", "")
        row["body_text"] = text[:MAX_TEXT_CHARS]
        row["subject"] = one_line(text)[:80]
        if moment is None:
            row["failure"] = "the line's date is not a date (day or month out of range)"
        elif _MEDIA.match(text.lstrip(_SYSTEM).strip()):
            name = text.lstrip(_SYSTEM).strip()
            row["attachments"] = json.dumps([{"name": name[:255], "type": "", "size": 0, "sha256": ""}])
            row["body_text"] = row["subject"] = name[:80]
        elif not author:
            row["flags"] = "skip:a system line of the chat (no sender)"
        elif text.startswith(_SYSTEM):
            row["flags"] = "skip:a system line of the chat"
            row["body_text"] = row["subject"] = one_line(text.lstrip(_SYSTEM))[:80]
        if first_id:
            row["in_reply_to"] = first_id
        elif not row["failure"] and not row["flags"]:
            first_id = row["message_id"]
        yield row


def repair_mojibake(text: str) -> str:
    """``GrabiÅ\\x84ski`` → ``Grabiński``: Facebook's exports write UTF-8 bytes as latin-1
    code points; text that is not so written comes back unchanged."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _facebook_rows(path: str, channel: str) -> Iterator[dict[str, str]]:
    file = Path(path)
    if file.stat().st_size > MAX_CHAT_BYTES:
        raise ValueError(f"the export is {file.stat().st_size:,} bytes; at most {MAX_CHAT_BYTES:,} are read")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the file is not the JSON of a {channel} export: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise ValueError(f"the file is not the JSON of a {channel} export: it has no list of messages")
    participants = [repair_mojibake(str(p.get("name", ""))) for p in data.get("participants") or [] if isinstance(p, dict)]
    chat = str(data.get("thread_path") or _stable_id(channel, *sorted(participants)))
    items = [m for m in data["messages"] if isinstance(m, dict)]
    items.sort(key=lambda m: m.get("timestamp_ms") or 0)
    first_id = ""
    for item in items:
        row = empty_row() | {"channel": channel}
        sender = repair_mojibake(str(item.get("sender_name") or ""))
        text = repair_mojibake(str(item.get("content") or ""))
        stamp = item.get("timestamp_ms")
        row["message_id"] = row["external_id"] = f"{_stable_id(chat, sender, str(stamp), text)}@{channel}"
        row["sender"] = row["sender_name"] = sender[:200]
        row["recipients"] = ", ".join(p for p in participants if p != sender)
        row["body_text"], row["subject"] = text[:MAX_TEXT_CHARS], one_line(text)[:80]
        try:
            moment = dt.datetime.fromtimestamp(int(stamp) / 1000, dt.UTC)
            row["sent_at"], row["sent_tz"] = moment.isoformat(), "+00:00"
        except (TypeError, ValueError, OverflowError, OSError):
            row["failure"] = f"the message's timestamp_ms {str(stamp)[:40]!r} is not a time"
        media = [{"name": str(m.get("uri", ""))[-255:], "type": kind, "size": 0, "sha256": ""}
                 for kind in ("photos", "videos", "audio_files", "files") for m in item.get(kind) or []
                 if isinstance(m, dict)]
        row["attachments"] = json.dumps(media) if media else ""
        if not sender:
            row["flags"] = "skip:a message without a sender"
        if first_id:
            row["in_reply_to"] = first_id
        elif not row["failure"]:
            first_id = row["message_id"]
        yield row


def messenger_rows(path: str) -> Iterator[dict[str, str]]:
    yield from _facebook_rows(path, "messenger")


def instagram_rows(path: str) -> Iterator[dict[str, str]]:
    yield from _facebook_rows(path, "instagram")
