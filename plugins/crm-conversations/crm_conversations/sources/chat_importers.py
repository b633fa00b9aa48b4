"""The chat importers on the core's import runs, registered with ``crm_importers`` like any
third party's."""

from __future__ import annotations

import re

from crm_hookspecs import Importer

from crm_conversations.sources.chats import instagram_rows, messenger_rows, whatsapp_rows
from crm_conversations.sources.email_parse import ROW_COLUMNS
from crm_conversations.sources.exports import linkedin_rows, telegram_rows, x_rows
from crm_conversations.sources.slack import slack_rows

KIND = "conversations.message"
_WHATSAPP_FIRST = re.compile(rb"^(\xef\xbb\xbf)?(\xe2\x80\x8e)?\[?\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4},? ")


def _columns(path: str) -> list[str]:
    return list(ROW_COLUMNS)


def _is_whatsapp(head: bytes, filename: str) -> bool:
    return filename.lower().endswith(".txt") and bool(_WHATSAPP_FIRST.match(head))


def _is_facebook(head: bytes, filename: str, *, instagram: bool) -> bool:
    if not filename.lower().endswith(".json"):
        return False
    text = head[:65536]
    looks_instagram = b"instagram" in text.lower() or "instagram" in filename.lower()
    return b'"participants"' in text and b'"messages"' in text and looks_instagram == instagram


WHATSAPP = Importer("conversations.whatsapp", "WhatsApp chat (.txt)", detect=_is_whatsapp, columns=_columns,
                    rows=whatsapp_rows, kinds=(KIND,), extensions=(".txt",))
MESSENGER = Importer("conversations.messenger", "Facebook Messenger (message_1.json)",
                     detect=lambda head, name: _is_facebook(head, name, instagram=False), columns=_columns,
                     rows=messenger_rows, kinds=(KIND,), extensions=(".json",))
INSTAGRAM = Importer("conversations.instagram", "Instagram messages (message_1.json)",
                     detect=lambda head, name: _is_facebook(head, name, instagram=True), columns=_columns,
                     rows=instagram_rows, kinds=(KIND,), extensions=(".json",))

TELEGRAM = Importer("conversations.telegram", "Telegram Desktop export (result.json)",
                    detect=lambda head, name: name.lower().endswith(".json") and b'"messages"' in head[:65536]
                    and (b'"date_unixtime"' in head[:65536] or b'"personal_chat"' in head[:65536]
                         or b'"chats"' in head[:4096]),
                    columns=_columns, rows=telegram_rows, kinds=(KIND,), extensions=(".json",))
LINKEDIN = Importer("conversations.linkedin", "LinkedIn messages (messages.csv)",
                    detect=lambda head, name: name.lower().endswith(".csv") and b"CONVERSATION ID" in head[:2000].upper()
                    and b"CONTENT" in head[:2000].upper(),
                    columns=_columns, rows=linkedin_rows, kinds=(KIND,), extensions=(".csv",))
X = Importer("conversations.x", "X (Twitter) direct messages (direct-messages.js)",
             detect=lambda head, name: name.lower().endswith(".js") and b"dmConversation" in head[:65536],
             columns=_columns, rows=x_rows, kinds=(KIND,), extensions=(".js",))
SLACK = Importer("conversations.slack", "Slack workspace export (zip)",
                 detect=lambda head, name: name.lower().endswith(".zip") and head.startswith(b"PK")
                 and b"users.json" in head[:65536],
                 columns=_columns, rows=slack_rows, kinds=(KIND,), extensions=(".zip",))
