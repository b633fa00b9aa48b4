"""Demo conversations for ``crm demo``: a small mailbox written as an mbox and imported through
an import run, so the timeline, the threads, the ledger and the unknown-sender queue all have
something to show (a few list mails skipped, a stranger waiting for review)."""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import tempfile
from pathlib import Path

from crm_hookspecs import DemoData

from crm_platform.toolkit import commit_import, get_records, principal_for, set_setting, start_import

OWN = "hello@demo-business.example"
SUBJECTS = ("Quote for the spring order", "Meeting next week", "Invoice question", "Thanks for the visit",
            "Delivery dates", "Contract renewal")
MAX_PEOPLE = 12


def _message(n: int, sender: str, to: str, subject: str, when: dt.datetime, reply_to: str = "", extra: str = "") -> str:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {email.utils.format_datetime(when)}",
             f"Message-ID: <demo-{n}@demo-business.example>"]
    if reply_to:
        lines += [f"In-Reply-To: <{reply_to}>", f"References: <{reply_to}>"]
    if extra:
        lines.append(extra)
    body = "Hello,\n\nJust following up on this.\n\nBest wishes\n"
    return "From demo@localhost Mon Jan  1 00:00:00 2024\n" + "\n".join(lines) + "\n\n" + body + "\n"


async def load(demo: DemoData) -> str | None:
    admin = await principal_for(demo.user_ids[0]) if demo.user_ids else None
    if admin is None or not demo.contacts:
        return None
    rng = random.Random(f"conversations-{demo.seed}")
    people = await get_records(admin, "contact", [c.contact_id for c in demo.contacts[:MAX_PEOPLE * 2]])
    addressed = [p for p in people.values() if p.get("primary_email")][:MAX_PEOPLE]
    await set_setting("conversations", "own_addresses", "demo-business.example")
    text, n = [], 0
    for person in addressed:
        n += 1
        when = demo.now - dt.timedelta(days=rng.randint(2, 60), minutes=rng.randint(0, 600))
        subject = rng.choice(SUBJECTS)
        them = f"{person['display_name']} <{person['primary_email']}>"
        text.append(_message(n, them, OWN, subject, when))
        first = f"demo-{n}@demo-business.example"
        n += 1
        text.append(_message(n, f"Demo Business <{OWN}>", them, f"Re: {subject}", when + dt.timedelta(hours=3), first))
    n += 1
    text.append(_message(n, "Sam Stranger <sam@stranger.example>", OWN, "Do you ship abroad?", demo.now))
    n += 1
    text.append(_message(n, "News <news@lists.example>", OWN, "Weekly digest", demo.now, extra="List-Id: <news.lists.example>"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-mailbox.mbox"
        path.write_text("".join(text))
        run = await start_import(admin, path, "conversations.message", filename="demo-mailbox.mbox")
        counts = await commit_import(admin, run["id"])
    return f"Imported {counts['create']} demo messages ({counts['skip']} skipped)."
