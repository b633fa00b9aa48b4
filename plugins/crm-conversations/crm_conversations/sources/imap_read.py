"""Reading new mail from an IMAP account, read-only: the blocking half of a mailbox sync.

Everything here is plain ``imaplib`` and runs in a thread (``asyncio.to_thread``), never on
the event loop. Folders are opened with EXAMINE and bodies fetched with ``BODY.PEEK[]``, so
nothing is marked seen. Which messages are new is decided by UID: a folder remembers its
UIDVALIDITY and the highest UID read; when the server reports another UIDVALIDITY the UIDs
known before mean nothing, and the folder is read again from the start (the import then
skips, by Message-ID, what is already there).

The messages read go, unchanged, into a zip of ``.eml`` files (stored, not compressed), the
file the email importer reads on an ordinary import run.
"""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
import zipfile
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 30  # seconds for connecting and for each answer
FETCH_BATCH = 100  # messages per FETCH
LOCAL_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
SECURITIES = ("tls", "starttls", "none")
_UID = re.compile(rb"UID (\d+)")


class MailboxError(Exception):
    """What stopped a sync, said so that whoever set up the mailbox knows what to fix."""


@dataclass(frozen=True)
class Account:
    host: str
    port: int
    security: str  # tls, starttls, or none (only to this machine)
    username: str
    password: str
    folders: tuple[str, ...]
    ca_certificate: str = ""  # PEM, trusted besides the system's certificates

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Known:
    """Where the last sync of a folder stopped."""

    uidvalidity: int
    last_uid: int


@dataclass(frozen=True)
class FolderRead:
    name: str
    uidvalidity: int
    last_uid: int  # the highest UID read now (or known before)
    server_count: int  # messages in the folder
    read: int  # messages read from it by this sync
    rescanned: bool  # the UIDVALIDITY changed, so the folder was read from its start
    waiting: int  # new messages left for the next sync (over this sync's limit)


def _reason(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text).strip() or type(exc).__name__


def connect(account: Account) -> imaplib.IMAP4:
    """A logged-in connection, or :class:`MailboxError` saying whether the host could not be
    reached, TLS failed or the login was refused."""
    if account.security not in SECURITIES:
        raise MailboxError(f"security {account.security!r} is not one of {', '.join(SECURITIES)}")
    if account.security == "none" and account.host not in LOCAL_HOSTS:
        raise MailboxError(f"{account.host} is not this machine: plain IMAP would send the password in clear; "
                           "use tls or starttls")
    context = ssl.create_default_context()
    if account.ca_certificate:
        context.load_verify_locations(cadata=account.ca_certificate)
    try:
        if account.security == "tls":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(account.host, account.port, ssl_context=context,
                                                      timeout=TIMEOUT)
        else:
            client = imaplib.IMAP4(account.host, account.port, timeout=TIMEOUT)
            if account.security == "starttls":
                client.starttls(context)
    except ssl.SSLCertVerificationError as exc:
        raise MailboxError(f"the TLS certificate of {account.address} is not trusted: "
                           f"{exc.verify_message or _reason(exc)}") from None
    except ssl.SSLError as exc:
        raise MailboxError(f"TLS with {account.address} failed: {_reason(exc)}") from None
    except TimeoutError:
        raise MailboxError(f"{account.address} did not answer within {TIMEOUT} s") from None
    except socket.gaierror as exc:
        raise MailboxError(f"cannot find the host {account.host!r}: {exc.strerror or _reason(exc)}") from None
    except OSError as exc:
        raise MailboxError(f"cannot reach {account.address}: {exc.strerror or _reason(exc)}") from None
    except imaplib.IMAP4.error as exc:
        raise MailboxError(f"{account.address} did not let the connection start: {_reason(exc)}") from None
    try:
        client.login(account.username, account.password)
    except imaplib.IMAP4.error as exc:
        _close(client)
        raise MailboxError(f"{account.address} refused the login of {account.username!r}: {_reason(exc)}") from None
    except OSError as exc:
        _close(client)
        raise MailboxError(f"{account.address} dropped the connection at login: {_reason(exc)}") from None
    return client


def _close(client: imaplib.IMAP4) -> None:
    try:
        client.logout()
    except (OSError, imaplib.IMAP4.error):
        pass


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _entry_name(number: int, folder: str, uid: int) -> str:
    return f"{number:06d}-{re.sub(r'[^A-Za-z0-9_-]+', '_', folder)[:60]}-{uid}.eml"


def read_new(account: Account, known: dict[str, Known], archive: Path, limit: int) -> list[FolderRead]:
    """Read the messages of each of the account's folders that ``known`` has not seen, at
    most ``limit`` in all, into the zip ``archive`` (not made when there are none)."""
    client = connect(account)
    reads: list[FolderRead] = []
    writer: zipfile.ZipFile | None = None
    number = 0
    try:
        for folder in account.folders:
            status, data = client.select(_quoted(folder), readonly=True)
            if status != "OK":
                raise MailboxError(f"the folder {folder!r} cannot be opened on {account.address}: "
                                   f"{_reason(imaplib.IMAP4.error(data[0] if data else b''))}")
            server_count = int(data[0] or 0) if data and data[0] else 0
            _, validity = client.response("UIDVALIDITY")
            uidvalidity = int(validity[0]) if validity and validity[0] else 0
            before = known.get(folder)
            rescanned = before is not None and before.uidvalidity != uidvalidity
            start = before.last_uid + 1 if before is not None and not rescanned else 1
            uids: list[int] = []
            if server_count:
                status, found = client.uid("SEARCH", None, f"UID {start}:*")
                if status != "OK":
                    raise MailboxError(f"{account.address} refused to list the folder {folder!r}: {found!r}")
                # "n:*" always matches the last message, even when its UID is below n.
                uids = sorted(uid for uid in map(int, (found[0] or b"").split()) if uid >= start)
            taken, waiting = uids[:max(limit - number, 0)], len(uids[max(limit - number, 0):])
            for index in range(0, len(taken), FETCH_BATCH):
                batch = taken[index:index + FETCH_BATCH]
                status, parts = client.uid("FETCH", ",".join(map(str, batch)), "(BODY.PEEK[])")
                if status != "OK":
                    raise MailboxError(f"{account.address} refused to send messages of {folder!r}: {parts!r}")
                for part in parts:
                    if not isinstance(part, tuple):
                        continue
                    uid_match = _UID.search(part[0])
                    if writer is None:
                        writer = zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED)
                    number += 1
                    writer.writestr(_entry_name(number, folder, int(uid_match.group(1)) if uid_match else 0),
                                    part[1])
            last_uid = taken[-1] if taken else (before.last_uid if before is not None and not rescanned else 0)
            reads.append(FolderRead(folder, uidvalidity, last_uid, server_count, len(taken), rescanned, waiting))
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise MailboxError(f"the connection to {account.address} broke: {_reason(exc)}") from None
    except imaplib.IMAP4.error as exc:
        raise MailboxError(f"{account.address} gave an answer that is not IMAP: {_reason(exc)}") from None
    finally:
        if writer is not None:
            writer.close()
        _close(client)
    return reads
