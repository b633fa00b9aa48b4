"""A mailbox sync: read the new messages over IMAP (in a thread), import them through an
ordinary import run of the email importer, and record what happened.

Each sync leaves a row in ``conversations_mailbox_sync``: how many messages it read, how
many the run kept, skipped and failed (with the ledger's reasons), or the error that stopped
it. A folder's UIDVALIDITY and last UID move on only after the run is committed, so a sync
that breaks half-way reads the same messages again next time, and the import skips, by
Message-ID, those it already has: nothing is lost, nothing is imported twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from crm_conversations import mailboxes
from crm_conversations.sources.imap_read import Account, FolderRead, Known, MailboxError, read_new
from crm_platform.toolkit import (
    CrmError,
    UnreadableSecret,
    commit_import,
    decrypt_secret,
    enqueue,
    execute,
    fetch,
    import_ledger,
    now,
    principal_for,
    start_import,
)

KIND = "conversations.message"
log = logging.getLogger(__name__)
SYNC_JOB = "conversations.sync_mailbox"
SCHEDULE_JOB = "conversations.sync_mailboxes"
MAX_PER_SYNC = 5_000  # messages; the rest waits for the next sync
STALE_AFTER = dt.timedelta(minutes=30)  # a sync claimed longer ago than this has died


def reason_group(reason: str) -> str:
    """A ledger reason without the message it names: ``already imported (from a@b, ...)``
    becomes ``already imported``, so reasons add up."""
    text = (reason or "").strip().removeprefix("message: ").split(" (from ", 1)[0]
    # A message the import already knows by its external id matches that record and changes
    # nothing (messages are never edited): the core's "no changes" is, for mail, "already imported".
    return "already imported" if text == "no changes" else text[:120] or "no reason given"


async def _claim(mailbox_id: int) -> bool:
    """Mark the mailbox as syncing unless another sync (still alive) has it."""
    moment = now()
    rows = await execute(
        "UPDATE conversations_mailbox SET sync_started = {} WHERE id = {} "
        "AND (sync_started IS NULL OR sync_started < {}) RETURNING id",
        moment, mailbox_id, moment - STALE_AFTER)
    return bool(rows)


async def _known(mailbox_id: int) -> dict[str, Known]:
    rows = await fetch("SELECT name, uidvalidity, last_uid FROM conversations_mailbox_folder WHERE mailbox = {}",
                       mailbox_id)
    return {row["name"]: Known(int(row["uidvalidity"]), int(row["last_uid"])) for row in rows}


async def _save_folders(mailbox_id: int, reads: list[FolderRead]) -> dict[str, Any]:
    before = {row["name"]: row for row in await fetch(
        "SELECT name, uidvalidity, seen FROM conversations_mailbox_folder WHERE mailbox = {}", mailbox_id)}
    summary: dict[str, Any] = {}
    for read in reads:
        old = before.get(read.name)
        seen = read.read + (int(old["seen"]) if old is not None and not read.rescanned else 0)
        await execute(
            "INSERT INTO conversations_mailbox_folder (key, mailbox, name, uidvalidity, last_uid, server_count, seen) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT (key) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
            "last_uid = excluded.last_uid, server_count = excluded.server_count, seen = excluded.seen",
            f"{mailbox_id}:{read.name}"[:330], mailbox_id, read.name, read.uidvalidity, read.last_uid,
            read.server_count, seen)
        summary[read.name] = {"uidvalidity": read.uidvalidity, "server_count": read.server_count,
                              "read": read.read, "seen": seen, "rescanned": read.rescanned,
                              "waiting": read.waiting}
    return summary


async def _reasons(principal: Any, run_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in await import_ledger(principal, runs=(run_id,), outcomes=("skip", "error"), limit=200):
        label = f"{'skipped' if row['outcome'] == 'skip' else 'failed'}: {reason_group(row['reason'] or '')}"
        counts[label] = counts.get(label, 0) + 1
    return counts


async def sync(mailbox_id: int) -> dict[str, Any]:
    """Sync the mailbox now; the sync's record (``status`` ``ok``, ``failed``, or ``busy``
    when another sync of it is running)."""
    rows = await fetch("SELECT * FROM conversations_mailbox WHERE id = {}", mailbox_id)
    if not rows:
        return {"status": "failed", "error": f"mailbox {mailbox_id} does not exist"}
    mailbox = rows[0]
    if not await _claim(mailbox_id):
        return {"status": "busy", "error": f"a sync of {mailbox['name']!r} is running"}
    started = now()
    # This sync holds the claim, so a sync still marked running died with its process.
    await execute("UPDATE conversations_mailbox_sync SET status = 'failed', finished_at = {}, "
                  "error = 'the sync was cut short (its process stopped); the next one read its messages again' "
                  "WHERE mailbox = {} AND status = 'running'", started, mailbox_id)
    await execute("INSERT INTO conversations_mailbox_sync (mailbox, started_at, status) VALUES ({}, {}, 'running')",
                  mailbox_id, started)
    [record] = await fetch("SELECT id FROM conversations_mailbox_sync WHERE mailbox = {} ORDER BY id DESC LIMIT 1",
                           mailbox_id)
    outcome: dict[str, Any] = {"status": "ok", "error": "", "seen": 0, "imported": 0, "skipped": 0, "failed": 0,
                               "run": None, "reasons": {}, "folders": {}}
    folder = Path(tempfile.mkdtemp(prefix="crm-imap-sync-"))
    try:
        principal = await principal_for(mailbox["owner"]) if mailbox["owner"] is not None else None
        if principal is None:
            raise MailboxError("the mailbox's owner is gone or disabled; an admin must take the mailbox over")
        try:
            password = decrypt_secret(mailbox["password"])
        except UnreadableSecret:
            raise MailboxError("the stored password cannot be read with this instance's key; enter it again") from None
        account = Account(mailbox["host"], int(mailbox["port"]), mailbox["security"], mailbox["username"], password,
                          tuple(mailboxes.folder_list(mailbox["folders"])), mailbox["ca_certificate"] or "")
        archive = folder / f"{mailbox['name'][:60]}.zip"
        reads = await asyncio.to_thread(read_new, account, await _known(mailbox_id), archive, MAX_PER_SYNC)
        outcome["seen"] = sum(read.read for read in reads)
        if archive.exists():
            run = await start_import(principal, archive, KIND, filename=f"IMAP {mailbox['name']}"[:255])
            outcome["run"] = run["id"]
            counts = await commit_import(principal, run["id"])
            outcome.update(imported=counts.get("create", 0), skipped=counts.get("skip", 0),
                           failed=counts.get("error", 0), reasons=await _reasons(principal, run["id"]))
        outcome["folders"] = await _save_folders(mailbox_id, reads)
    except MailboxError as exc:
        outcome.update(status="failed", error=str(exc))
    except CrmError as exc:  # the import refused the file: say what it said
        detail = getattr(exc, "errors", None)
        outcome.update(status="failed", error=f"the import refused the messages: {detail or exc}")
    except Exception as exc:  # recorded for the page, and logged with its trace for whoever runs the instance
        log.exception("sync of mailbox %s failed", mailbox_id)
        outcome.update(status="failed", error=f"the sync broke ({type(exc).__name__}: {exc}); see the server log")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        await execute(
            "UPDATE conversations_mailbox_sync SET finished_at = {}, status = {}, error = {}, seen = {}, imported = {}, "
            "skipped = {}, failed = {}, run = {}, reasons = {}, folders = {} WHERE id = {}",
            now(), outcome["status"], outcome["error"][:2000], outcome["seen"], outcome["imported"],
            outcome["skipped"], outcome["failed"], outcome["run"], json.dumps(outcome["reasons"]),
            json.dumps(outcome["folders"]), record["id"])
        await execute("UPDATE conversations_mailbox SET sync_started = NULL WHERE id = {}", mailbox_id)
    return {"id": record["id"], "mailbox": mailbox_id, "name": mailbox["name"], **outcome}


async def sync_job(mailbox_id: int | None = None) -> None:
    """The job behind "Sync now" and the schedule: one mailbox's sync. A failed sync is
    recorded, not raised: retrying a wrong password only locks the account."""
    if mailbox_id is not None:
        await sync(int(mailbox_id))


async def schedule_job() -> None:
    """Every few minutes: a sync job for each mailbox, keyed by the minute so each runs once."""
    minute = now().strftime("%Y%m%d%H%M")
    for row in await fetch("SELECT id FROM conversations_mailbox ORDER BY id"):
        await enqueue(SYNC_JOB, key=f"{SYNC_JOB}:{row['id']}:{minute}", mailbox_id=row["id"])


async def last_syncs(mailbox_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each mailbox's latest sync record, in one query."""
    if not mailbox_ids:
        return {}
    marks = ", ".join("{}" for _ in mailbox_ids)
    rows = await fetch(
        f"SELECT s.* FROM conversations_mailbox_sync s WHERE s.id IN (SELECT max(id) FROM conversations_mailbox_sync "
        f"WHERE mailbox IN ({marks}) GROUP BY mailbox)", *mailbox_ids)
    return {row["mailbox"]: decoded(row) for row in rows}


def decoded(row: dict[str, Any]) -> dict[str, Any]:
    for column in ("reasons", "folders"):
        if isinstance(row.get(column), str):
            row[column] = json.loads(row[column] or "{}")
    return row
