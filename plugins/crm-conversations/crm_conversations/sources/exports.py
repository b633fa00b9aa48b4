"""More chat exports as rows: Telegram Desktop's ``result.json`` (one chat or the whole
export; text given as a list of entities) and LinkedIn's ``messages.csv`` (the old columns
and the new ones with profile links). Like the other chats: one conversation per chat, a
message id from the platform's own ids where the export has them."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crm_conversations.sources.chats import MAX_CHAT_BYTES, _stable_id
from crm_conversations.sources.email_parse import MAX_TEXT_CHARS, empty_row, one_line


def _check_size(path: Path) -> None:
    if path.stat().st_size > MAX_CHAT_BYTES:
        raise ValueError(f"the export is {path.stat().st_size:,} bytes; at most {MAX_CHAT_BYTES:,} are read")


def telegram_text(value: Any) -> str:
    """Telegram's text: a string, or a list of strings and entities (``{"type": "bold",
    "text": "..."}``) read in order."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) if isinstance(part, dict) else ""
                       for part in value)
    return ""


def telegram_rows(path: str) -> Iterator[dict[str, str]]:
    file = Path(path)
    _check_size(file)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the file is not a Telegram export (result.json): {exc}") from None
    chats = data.get("chats", {}).get("list") if isinstance(data, dict) and "chats" in data else [data]
    if not isinstance(chats, list) or not all(isinstance(chat, dict) and isinstance(chat.get("messages"), list)
                                              for chat in chats):
        raise ValueError("the file is not a Telegram export (result.json): it has no chats with messages")
    for chat in chats:
        chat_id = str(chat.get("id", "")) or _stable_id("telegram", str(chat.get("name", "")))
        people = sorted({str(m.get("from")) for m in chat["messages"] if isinstance(m, dict) and m.get("from")})
        first_id = ""
        for item in (m for m in chat["messages"] if isinstance(m, dict)):
            row = empty_row() | {"channel": "telegram"}
            row["message_id"] = row["external_id"] = f"{chat_id}-{item.get('id', '')}@telegram"
            sender = str(item.get("from") or item.get("actor") or "")
            row["sender"] = row["sender_name"] = sender[:200]
            row["recipients"] = ", ".join(p for p in people if p != sender)
            text = telegram_text(item.get("text"))
            row["body_text"], row["subject"] = text[:MAX_TEXT_CHARS], one_line(text)[:80]
            try:
                moment = dt.datetime.fromtimestamp(int(item["date_unixtime"]), dt.UTC) if "date_unixtime" in item \
                    else dt.datetime.fromisoformat(str(item.get("date"))).replace(tzinfo=dt.UTC)
                row["sent_at"] = moment.isoformat()
            except (KeyError, TypeError, ValueError, OverflowError, OSError):
                row["failure"] = f"the message's date {str(item.get('date'))[:40]!r} is not a time"
            if item.get("file") or item.get("photo"):
                name = str(item.get("file_name") or item.get("file") or item.get("photo"))
                row["attachments"] = json.dumps([{"name": name[-255:], "type": str(item.get("mime_type", ""))[:100],
                                                  "size": int(item.get("file_size") or 0), "sha256": ""}])
            if item.get("type") == "service":
                row["flags"] = f"skip:a service line of the chat ({one_line(str(item.get('action', '')))[:40]})"
            reply = item.get("reply_to_message_id")
            row["in_reply_to"] = f"{chat_id}-{reply}@telegram" if reply else first_id
            if not first_id and not row["failure"] and not row["flags"]:
                first_id = row["message_id"]
            yield row


_LINKEDIN_DATE = ("%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y, %I:%M %p", "%Y-%m-%d %H:%M")


def _linkedin_moment(text: str) -> dt.datetime | None:
    text = text.strip()
    for pattern in _LINKEDIN_DATE:
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def _profile_handle(url: str) -> str:
    found = re.search(r"linkedin\.com/in/([^/?#\s]+)", url or "")
    return found.group(1).lower() if found else ""


def linkedin_rows(path: str) -> Iterator[dict[str, str]]:
    file = Path(path)
    _check_size(file)
    with file.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        names = {name.strip().lower(): name for name in reader.fieldnames or []}
        if not {"from", "date", "content"} <= set(names):
            raise ValueError("the file is not LinkedIn's messages.csv: it needs FROM, DATE and CONTENT columns")
        firsts: dict[str, str] = {}
        for number, raw in enumerate(reader, start=1):
            item = {key: (raw.get(original) or "") for key, original in names.items()}
            conversation = item.get("conversation id") or _stable_id("linkedin", item.get("conversation title", ""))
            row = empty_row() | {"channel": "linkedin"}
            moment = _linkedin_moment(item["date"])
            sender = _profile_handle(item.get("sender profile url", "")) or item["from"].strip()
            row["message_id"] = row["external_id"] = (
                f"{_stable_id(conversation, sender, item['date'], item['content'])}@linkedin")
            row["sender"], row["sender_name"] = sender[:200], item["from"].strip()[:200]
            recipients = [_profile_handle(url) for url in re.split(r"[,\s]+", item.get("recipient profile urls", ""))]
            row["recipients"] = ", ".join(r for r in recipients if r) or item.get("to", "").strip()
            row["subject"] = one_line(item.get("subject") or item["content"])[:80]
            row["body_text"] = item["content"][:MAX_TEXT_CHARS]
            if moment is None:
                row["failure"] = f"row {number}: the DATE {item['date'][:40]!r} is not a date and time"
            else:
                row["sent_at"] = moment.isoformat()
            if conversation in firsts:
                row["in_reply_to"] = firsts[conversation]
            elif not row["failure"]:
                firsts[conversation] = row["message_id"]
            yield row


def _x_json(text: str) -> Any:
    """The JSON of an X archive file: ``window.YTD.direct_messages.part0 = [...]``."""
    start = text.find("=")
    body = text[start + 1:] if text.lstrip().startswith("window.") and start >= 0 else text
    return json.loads(body)


def x_rows(path: str) -> Iterator[dict[str, str]]:
    """X (Twitter) archive ``direct-messages.js`` and ``direct-messages-group.js``: senders
    and recipients are the account ids the archive names."""
    file = Path(path)
    _check_size(file)
    try:
        data = _x_json(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the file is not an X archive's direct-messages.js: {exc}") from None
    if not isinstance(data, list):
        raise ValueError("the file is not an X archive's direct-messages.js: it holds no list of conversations")
    for entry in data:
        conversation = entry.get("dmConversation") if isinstance(entry, dict) else None
        if not isinstance(conversation, dict):
            continue
        conversation_id = str(conversation.get("conversationId", ""))
        events = [m for m in conversation.get("messages") or [] if isinstance(m, dict)]
        events.sort(key=lambda m: str(next(iter(m.values()), {}).get("createdAt", "")) if m else "")
        members = conversation_id.split("-") if "-" in conversation_id else []
        first_id = ""
        for event in events:
            kind, item = next(iter(event.items()))
            if not isinstance(item, dict):
                continue
            row = empty_row() | {"channel": "x"}
            row["message_id"] = row["external_id"] = f"{item.get('id') or _stable_id(conversation_id, str(item))}@x"
            sender = str(item.get("senderId") or item.get("initiatingUserId") or "")
            row["sender"] = row["sender_name"] = sender
            recipient = item.get("recipientId")
            others = [str(recipient)] if recipient else [m for m in members if m != sender]
            row["recipients"] = ", ".join(others)
            text = str(item.get("text") or "")
            row["body_text"], row["subject"] = text[:MAX_TEXT_CHARS], one_line(text)[:80]
            try:
                row["sent_at"] = dt.datetime.fromisoformat(str(item.get("createdAt")).replace("Z", "+00:00")).isoformat()
                row["sent_tz"] = "+00:00"
            except ValueError:
                row["failure"] = f"the message's createdAt {str(item.get('createdAt'))[:40]!r} is not a time"
            media = [{"name": str(url)[-255:], "type": "", "size": 0, "sha256": ""} for url in item.get("mediaUrls") or []]
            row["attachments"] = json.dumps(media) if media else ""
            if kind != "messageCreate":
                row["flags"] = f"skip:a conversation event ({one_line(kind)[:40]})"
            row["in_reply_to"] = first_id
            if not first_id and not row["failure"] and not row["flags"]:
                first_id = row["message_id"]
            yield row
