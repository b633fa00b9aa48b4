"""The email importer on the core's import runs: ``.eml``, mbox, and zips of mail files or
Maildir folders, one row per message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from crm_hookspecs import Importer

from crm_conversations.sources.archives import file_messages, looks_like_email, looks_like_mbox
from crm_conversations.sources.email_parse import ROW_COLUMNS, parse_email

KIND = "conversations.message"


def detect(head: bytes, filename: str) -> bool:
    name = filename.lower()
    if name.endswith((".eml", ".mbox", ".mbx")):
        return True
    if head.startswith(b"PK\x03\x04") and name.endswith(".zip"):
        return True
    return looks_like_mbox(head) or looks_like_email(head)


def columns(path: str) -> list[str]:
    return list(ROW_COLUMNS)


def rows(path: str) -> Iterator[dict[str, str]]:
    for raw in file_messages(Path(path)):
        yield parse_email(raw)


EMAIL = Importer("conversations.email", "Email (.eml, mbox, Maildir or a zip of them)", detect=detect,
                 columns=columns, rows=rows, kinds=(KIND,), extensions=(".eml", ".mbox", ".zip"))
