"""``/api/v1/conversations/mailboxes``: IMAP mailboxes (list, add, edit, remove), a sync now,
each mailbox's syncs, and ``/reconciliation``: what the syncs read against what was imported."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from crm_conversations import mailbox_sync, mailboxes, reconcile
from crm_platform.toolkit import CurrentPrincipal, check_limit, fetch


class MailboxIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    host: str
    username: str
    password: str
    port: int | None = None
    security: str = "tls"
    folders: str = "INBOX"
    ca_certificate: str = ""


class MailboxPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    host: str | None = None
    username: str | None = None
    password: str | None = None
    port: int | None = None
    security: str | None = None
    folders: str | None = None
    ca_certificate: str | None = None


class MailboxOut(msgspec.Struct):
    id: int
    name: str
    host: str
    port: int
    security: str
    username: str
    folders: list[str]
    ca_certificate: str
    owner_id: int | None
    syncing: bool
    last_sync: dict[str, Any] | None


def _out(row: dict[str, Any], last: dict[str, Any] | None) -> MailboxOut:
    return MailboxOut(id=row["id"], name=row["name"], host=row["host"], port=row["port"], security=row["security"],
                      username=row["username"], folders=mailboxes.folder_list(row["folders"]),
                      ca_certificate=row["ca_certificate"] or "", owner_id=row["owner"],
                      syncing=row["sync_started"] is not None, last_sync=_sync_out(last) if last else None)


def _sync_out(row: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "status", "error", "seen", "imported", "skipped", "failed", "run", "reasons", "folders")
    out: dict[str, Any] = {key: row.get(key) for key in keep}
    for key in ("started_at", "finished_at"):
        value = row.get(key)
        out[key] = value.isoformat() if isinstance(value, dt.datetime) else value
    return out


class MailboxController(Controller):
    path = "/mailboxes"

    @get("/")
    async def list_mailboxes(self, principal: CurrentPrincipal) -> list[MailboxOut]:
        """Your mailboxes (every one for admins and managers), each with its last sync; the
        password is never shown."""
        rows = await mailboxes.visible(principal)
        last = await mailbox_sync.last_syncs([row["id"] for row in rows])
        return [_out(row, last.get(row["id"])) for row in rows]

    @post("/")
    async def add_mailbox(self, principal: CurrentPrincipal, data: JSONBody[MailboxIn]) -> MailboxOut:
        """Add an IMAP account; its password is sealed with the instance key. Plain IMAP
        (``security: none``) is refused unless the server is this machine."""
        row = await mailboxes.create(principal, msgspec.structs.asdict(data))
        return _out(row, None)

    @get("/{mailbox_id:int}")
    async def get_mailbox(self, principal: CurrentPrincipal, mailbox_id: FromPath[int]) -> MailboxOut:
        row = await mailboxes.get(principal, mailbox_id)
        return _out(row, (await mailbox_sync.last_syncs([mailbox_id])).get(mailbox_id))

    @patch("/{mailbox_id:int}")
    async def edit_mailbox(self, principal: CurrentPrincipal, mailbox_id: FromPath[int],
                           data: JSONBody[MailboxPatch]) -> MailboxOut:
        values = {key: value for key, value in msgspec.structs.asdict(data).items() if value is not None}
        row = await mailboxes.update(principal, mailbox_id, values)
        return _out(row, (await mailbox_sync.last_syncs([mailbox_id])).get(mailbox_id))

    @delete("/{mailbox_id:int}")
    async def delete_mailbox(self, principal: CurrentPrincipal, mailbox_id: FromPath[int]) -> None:
        """The mailbox and its sync records; the messages imported from it stay."""
        await mailboxes.delete(principal, mailbox_id)

    @post("/{mailbox_id:int}/sync", status_code=200)
    async def sync_mailbox(self, principal: CurrentPrincipal, mailbox_id: FromPath[int]) -> dict[str, Any]:
        """Sync now and answer with what the sync did: ``status`` ``ok`` (with the counts and
        the reasons of what was skipped or failed), ``failed`` (with the ``error`` naming
        what is wrong: the login, the host, TLS, a folder) or ``busy``."""
        await mailboxes.get(principal, mailbox_id)
        return await mailbox_sync.sync(mailbox_id)

    @get("/{mailbox_id:int}/syncs")
    async def list_syncs(self, principal: CurrentPrincipal, mailbox_id: FromPath[int],
                         limit: FromQuery[int] = 20) -> list[dict[str, Any]]:
        """The mailbox's latest syncs, newest first."""
        check_limit(limit)
        await mailboxes.get(principal, mailbox_id)
        rows = await fetch(f"SELECT * FROM conversations_mailbox_sync WHERE mailbox = {{}} ORDER BY id DESC "
                           f"LIMIT {int(limit)}", mailbox_id)
        return [_sync_out(mailbox_sync.decoded(row)) for row in rows]


@get("/reconciliation")
async def reconciliation(principal: CurrentPrincipal) -> list[dict[str, Any]]:
    """Per mailbox: messages read by its syncs against imported, skipped and failed (with
    the reasons), ``unaccounted`` (read but in no ledger: always 0 unless something is
    wrong), and per folder the messages on the server not read yet (``gap``)."""
    entries = await reconcile.report(principal)
    for entry in entries:
        if entry["last_sync"]:
            entry["last_sync"] = _sync_out(entry["last_sync"])
    return entries


HANDLERS = [MailboxController, reconciliation]
