"""Slack's workspace export (a zip: ``users.json``, ``channels.json``, ``dms.json`` and a
folder per channel or DM of one JSON file per day) as rows. The zip is checked whole first,
as mail zips are. A member with an email in ``users.json`` is that email, so contacts match
by address; threads follow ``thread_ts``, and a channel without threads is one conversation
per day."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from crm_conversations.sources.archives import UnsafeArchive, check_zip
from crm_conversations.sources.email_parse import MAX_TEXT_CHARS, empty_row, one_line

MAX_JSON_BYTES = 50 * 1024 * 1024


def _load(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    if info.file_size > MAX_JSON_BYTES:
        raise UnsafeArchive(f"the zip entry {info.filename[:100]!r} is larger than {MAX_JSON_BYTES:,} bytes")
    try:
        return json.loads(archive.read(info))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the Slack export's {info.filename[:100]!r} is not JSON: {exc}") from None


def is_slack_export(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "users.json" in names and ("channels.json" in names or "dms.json" in names)


def slack_rows(path: str) -> Iterator[dict[str, str]]:
    file = Path(path)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = check_zip(archive, file.stat().st_size)
            by_name = {info.filename: info for info in infos}
            if "users.json" not in by_name:
                raise ValueError("the zip is not a Slack export: it has no users.json")
            users = {u.get("id"): u for u in _load(archive, by_name["users.json"]) if isinstance(u, dict)}
            members: dict[str, list[str]] = {}
            for listing in ("channels.json", "dms.json", "groups.json", "mpims.json"):
                if listing in by_name:
                    for channel in _load(archive, by_name[listing]):
                        if isinstance(channel, dict):
                            members[str(channel.get("name") or channel.get("id"))] = list(channel.get("members") or [])
            for info in infos:
                parts = PurePosixPath(info.filename).parts
                if len(parts) != 2 or not parts[1].endswith(".json"):
                    continue
                day = _load(archive, info)
                if isinstance(day, list):
                    yield from _day_rows(parts[0], parts[1].removesuffix(".json"), day, users, members.get(parts[0], []))
    except zipfile.BadZipFile as exc:
        raise UnsafeArchive(f"the zip cannot be read: {exc}") from None


def _who(users: dict[Any, dict[str, Any]], user_id: str) -> tuple[str, str]:
    user = users.get(user_id) or {}
    profile = user.get("profile") or {}
    name = str(profile.get("real_name") or user.get("real_name") or user.get("name") or user_id)
    return str(profile.get("email") or user.get("name") or user_id).lower(), name


def _day_rows(channel: str, day: str, items: list[Any], users: dict[Any, dict[str, Any]],
              member_ids: list[str]) -> Iterator[dict[str, str]]:
    for item in (m for m in items if isinstance(m, dict)):
        row = empty_row() | {"channel": "slack"}
        ts = str(item.get("ts") or "")
        row["message_id"] = row["external_id"] = f"{channel}-{ts}@slack"
        sender, name = _who(users, str(item.get("user") or ""))
        row["sender"], row["sender_name"] = sender[:254], name[:200]
        row["recipients"] = ", ".join(_who(users, member)[0] for member in member_ids if member != item.get("user"))[:5000]
        text = str(item.get("text") or "")
        row["body_text"], row["subject"] = text[:MAX_TEXT_CHARS], one_line(f"#{channel}: {text}")[:80]
        try:
            row["sent_at"], row["sent_tz"] = dt.datetime.fromtimestamp(float(ts), dt.UTC).isoformat(), "+00:00"
        except (ValueError, OverflowError, OSError):
            row["failure"] = f"the message's ts {ts[:40]!r} is not a time"
        files = [{"name": str(f.get("name", ""))[:255], "type": str(f.get("mimetype", ""))[:100],
                  "size": int(f.get("size") or 0), "sha256": ""} for f in item.get("files") or [] if isinstance(f, dict)]
        row["attachments"] = json.dumps(files) if files else ""
        if item.get("subtype") in ("channel_join", "channel_leave", "channel_topic", "channel_purpose", "bot_message"):
            row["flags"] = f"skip:a Slack {item['subtype'].replace('_', ' ')} line"
        thread = str(item.get("thread_ts") or "")
        # Replies name their thread's first message; a message outside threads names the day.
        row["in_reply_to"] = f"{channel}-{thread}@slack" if thread and thread != ts else ""
        if not row["in_reply_to"] and not thread:
            row["refs"] = f"{channel}-{day}@slack-day"
        yield row
