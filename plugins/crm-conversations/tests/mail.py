"""Mail for the tests, written out as text."""

from __future__ import annotations


def eml(message_id: str | None = "<m1@example.org>", sender: str = "Ann Able <ann@example.org>",
        to: str = "sales@acme.example", subject: str = "Quote", body: str = "Hello there",
        date: str = "Tue, 01 Dec 2026 10:00:00 +0200", extra: str = "") -> str:
    """One message's text, headers then body."""
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {date}"]
    if message_id is not None:
        lines.append(f"Message-ID: {message_id}")
    if extra:
        lines.append(extra.strip("\n"))
    return "\n".join(lines) + "\n\n" + body + "\n"


def mbox(*messages: str) -> bytes:
    return "".join(f"From sender@example.org Tue Dec  1 10:00:00 2026\n{m}\n" for m in messages).encode()
