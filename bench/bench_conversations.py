"""Importing a mailbox with ``crm conversations import`` in its own process, as a user runs it:
an mbox whose senders are contacts of the database (a tenth are strangers, a twentieth list
mail), the dry run and the commit, in messages per second and the process's peak memory
(max RSS), on SQLite; and a WhatsApp export read into rows.

    python -m bench --only conversations
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import _database
from bench.bench_imports import _timed

Row = tuple[str, float, str]
MESSAGES = 100_000
CONTACTS = 100_000
WHATSAPP_LINES = 50_000
CLI = "from crm_platform.cli import main; main()"


def _write_mbox(path: Path, messages: int, contacts: int) -> None:
    """Senders are the database's contacts (their addresses as ``_database`` made them)."""
    people = _database.fake_contacts(0, contacts, 0)
    with path.open("w", encoding="utf-8") as file:
        for n in range(messages):
            person = people[n % contacts]
            given = person["given_name"]
            sender = person["primary_email"] if n % 10 else f"stranger{n}@elsewhere.example"
            extra = "List-Id: <news.example>\n" if n % 20 == 7 else ""
            reply = f"In-Reply-To: <bench-{n - 1}@example.com>\n" if n % 3 else ""
            file.write(f"From bench@localhost Tue Dec  1 10:00:00 2026\nFrom: {given} <{sender}>\n"
                       f"To: sales@acme.example\nSubject: Order {n // 3}\nDate: Tue, 01 Dec 2026 10:{n % 60:02d}:00 +0100\n"
                       f"Message-ID: <bench-{n}@example.com>\n{reply}{extra}\nHello, about order {n // 3}.\n\n")


def _write_whatsapp(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as file:
        for n in range(lines):
            file.write(f"{1 + n % 28:02d}/{1 + n % 12:02d}/2024, {n % 24:02d}:{n % 60:02d} - "
                       f"{'Ann' if n % 2 else 'Acme'}: message {n}\n")


def run(quick: bool) -> list[Row]:
    messages, contacts = (2_000, 10_000) if quick else (MESSAGES, CONTACTS)
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-conversations-"))
    db = _database.build("sqlite", contacts, folder)
    environment = {**db.environment, "CRM_IMPORTS_DIR": str(folder / "imports"), "CRM_PLUGINS": "conversations"}
    subprocess.run([sys.executable, "-c", CLI, "migrate"], env=environment, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", CLI, "settings", "set", "conversations", "own_addresses", "acme.example"],
                   env=environment, check=True, capture_output=True)
    mbox = folder / "mailbox.mbox"
    _write_mbox(mbox, messages, contacts)
    base = [sys.executable, "-c", CLI, "conversations", "import", str(mbox)]
    dry_seconds, dry_cpu, dry_peak = _timed([*base, "--dry-run"], environment)
    commit_seconds, commit_cpu, commit_peak = _timed(base, environment)
    rerun_seconds, _, _ = _timed(base, environment)  # every message already imported: skipped

    from crm_conversations.sources.chats import whatsapp_rows

    chat = folder / "chat.txt"
    _write_whatsapp(chat, WHATSAPP_LINES)
    started = time.perf_counter()
    read = sum(1 for _ in whatsapp_rows(str(chat)))
    whatsapp_seconds = time.perf_counter() - started
    return [
        (f"mbox dry run, {messages} messages, {contacts} contacts (sqlite)", messages / dry_seconds, "messages/s"),
        ("mbox dry run, per CPU second", messages / dry_cpu, "messages/CPU-s"),
        ("mbox dry run peak RSS", dry_peak, "MB"),
        (f"mbox commit, {messages} messages onto timelines (sqlite)", messages / commit_seconds, "messages/s"),
        ("mbox commit, per CPU second", messages / commit_cpu, "messages/CPU-s"),
        ("mbox commit peak RSS", commit_peak, "MB"),
        (f"mbox re-import of the same {messages} (all skipped)", messages / rerun_seconds, "messages/s"),
        (f"WhatsApp export of {read} lines read into rows", whatsapp_seconds, "s"),
    ]
