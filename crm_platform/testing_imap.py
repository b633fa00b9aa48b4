"""A real IMAP server for tests: Debian's Dovecot, started on 127.0.0.1 for one test.

Part of the test kit (``crm_platform.testing`` loads the ``crm_imap`` fixture from here).
Dovecot runs as its own instance: its own configuration, a passwd-file of mailbox users with
plain passwords, a Maildir per user, all in a folder of the test's. Nothing of the system's
Dovecot (``/etc/dovecot``, a running service) is read or touched.

Dovecot's login processes refuse to run as root, and so do its mail processes for uid 0.
As root (a container, CI), the login processes run as Debian's ``dovenull`` and the rest as
``dovecot``, so the folder is made where those users can reach it (the system's temporary
folder, which pytest's own folders are not: they are private to the user running pytest).
As any other user every process runs as that user, in the folder pytest gives the test.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.message
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crm_platform.testing_net import free_port, self_signed

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"
IMAP_USER = "inbox@example.com"
IMAP_PASSWORD = "imap-secret-1"


@dataclass
class ImapServer:
    """A running Dovecot on ``host``:``port`` (plain IMAP, login with PLAIN or LOGIN).

    ``users`` maps each mailbox's login to its password; :meth:`add_user` adds one.
    :meth:`append` puts a message in a folder the way a mail client does (IMAP APPEND)."""

    folder: Path
    port: int
    host: str = "127.0.0.1"
    security: str = "none"  # none, starttls (required before a login) or tls (implicit)
    cafile: Path | None = None  # the self-signed certificate a client must trust, with TLS
    users: dict[str, str] = dataclasses.field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def config(self) -> Path:
        return self.folder / "dovecot.conf"

    def add_user(self, login: str, password: str) -> None:
        """A new mailbox (Dovecot rereads its passwd-file when the file changes)."""
        self.users[login] = password
        self._write_users()

    def connect(self, login: str = IMAP_USER) -> imaplib.IMAP4:
        import ssl

        context = ssl.create_default_context(cafile=str(self.cafile)) if self.cafile else None
        if self.security == "tls":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=10)
        else:
            client = imaplib.IMAP4(self.host, self.port, timeout=10)
            if self.security == "starttls":
                client.starttls(context)
        client.login(login, self.users[login])
        return client

    def append(self, message: bytes | email.message.Message, *, login: str = IMAP_USER,
               folder: str = "INBOX") -> None:
        """Deliver ``message`` into ``folder`` of the mailbox ``login`` (created if missing)."""
        raw = message if isinstance(message, bytes) else message.as_bytes()
        client = self.connect(login)
        try:
            if folder != "INBOX":
                client.create(folder)  # NO when it exists, which is fine
            status, detail = client.append(folder, None, None, raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
            if status != "OK":
                raise RuntimeError(f"APPEND to {folder} failed: {detail!r}")
        finally:
            client.logout()

    def flags(self, *, login: str = IMAP_USER, folder: str = "INBOX") -> list[str]:
        """Each message's flags in ``folder``, in UID order (to see that nothing marked it seen)."""
        client = self.connect(login)
        try:
            client.select(folder, readonly=True)
            status, data = client.uid("FETCH", "1:*", "(FLAGS)")
            return [item.decode() for item in data if isinstance(item, bytes)]
        finally:
            client.logout()

    def set_uidvalidity(self, value: int, *, login: str = IMAP_USER, folder: str = "INBOX") -> None:
        """Give ``folder`` a new UIDVALIDITY, as a server does when it rebuilds a mailbox: a
        client must then forget every UID it knew there."""
        subprocess.run([DOVEADM, "-c", str(self.config), "mailbox", "update", "-u", login, "--uid-validity",
                        str(value), folder], check=True, capture_output=True, timeout=30)

    def _write_users(self) -> None:
        home = self.folder / "home"
        lines = [f"{login}:{{PLAIN}}{password}::::{home / login}\n" for login, password in self.users.items()]
        passwd = self.folder / "passwd"
        passwd.write_text("".join(lines))
        passwd.chmod(0o644)

    def start(self) -> None:
        if self.process is not None:
            return
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection((self.host, self.port), timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"Dovecot did not start: {self.log()[-2000:]}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop answering, as a server that is down (``start()`` brings it back on the same port)."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _tls(security: str, port: int, cert: Path | None, key: Path | None) -> tuple[str, str]:
    """The ``ssl`` settings and the listeners: plain IMAP on ``port`` (STARTTLS required
    before a login with ``starttls``), or implicit TLS on it with ``tls``."""
    if security == "none":
        return "ssl = no\n# Tests log in over plain IMAP on 127.0.0.1 only.\ndisable_plaintext_auth = no\n", (
            f"  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n"
            "  inet_listener imaps {\n    port = 0\n  }\n")
    settings = f"ssl = required\nssl_cert = <{cert}\nssl_key = <{key}\ndisable_plaintext_auth = yes\n"
    imap, imaps = (port, 0) if security == "starttls" else (0, port)
    return settings, (f"  inet_listener imap {{\n    address = 127.0.0.1\n    port = {imap}\n  }}\n"
                      f"  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {imaps}\n    ssl = yes\n  }}\n")


def _config(folder: Path, port: int, security: str = "none", cert: Path | None = None, key: Path | None = None) -> str:
    if os.geteuid() == 0:
        internal, login_user = "dovecot", "dovenull"
        mail = pwd.getpwnam("dovecot")
        uid, gid = mail.pw_uid, mail.pw_gid
        group = grp.getgrgid(gid).gr_name
        chroot = ""  # login processes are chrooted into the run folder, as by default
    else:
        uid, gid = os.getuid(), os.getgid()
        internal = login_user = pwd.getpwuid(uid).pw_name
        group = grp.getgrgid(gid).gr_name
        chroot = "  chroot =\n"  # only root may chroot
    ssl_settings, listeners = _tls(security, port, cert, key)
    return f"""\
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl_settings}auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/passwd
  default_fields = uid={uid} gid={gid}
}}
mail_location = maildir:~/Maildir
service imap-login {{
{listeners}{chroot}}}
service anvil {{
{chroot}}}
"""


@contextlib.contextmanager
def imap_server(folder: Path, users: dict[str, str] | None = None, *, security: str = "none") -> Iterator[ImapServer]:
    """Serve IMAP on 127.0.0.1 while the block runs, with the mailboxes ``users`` (login to
    password; by default ``IMAP_USER`` with ``IMAP_PASSWORD``). ``security`` is ``"none"``,
    ``"starttls"`` (required before a login) or ``"tls"`` (implicit), on a self-signed
    certificate for 127.0.0.1 and localhost whose file is ``server.cafile``. Skips the test,
    saying why, when Dovecot is not installed (``make system-deps`` installs it)."""
    if not Path(DOVECOT).exists():
        pytest.skip(f"{DOVECOT} is missing: apt-get install dovecot-imapd (make system-deps does)")
    own = os.geteuid() == 0
    # As root the server's users must reach the folder; pytest's is private to root.
    base = Path(tempfile.mkdtemp(prefix="crm-imap-")) if own else folder / "imap"
    base.mkdir(exist_ok=True)
    base.chmod(0o755)
    for name in ("run", "state", "home"):
        (base / name).mkdir(exist_ok=True)
    if own:
        mail = pwd.getpwnam("dovecot")
        os.chown(base / "home", mail.pw_uid, mail.pw_gid)
        os.chown(base / "state", mail.pw_uid, mail.pw_gid)
    port = free_port()
    cert = key = None
    if security != "none":
        cert, key = self_signed(base)
        cert.chmod(0o644)
    server = ImapServer(base, port, security=security, cafile=cert)
    server.config.write_text(_config(base, port, security, cert, key))
    for login, password in (users or {IMAP_USER: IMAP_PASSWORD}).items():
        server.add_user(login, password)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        if own:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def crm_imap(tmp_path: Path) -> Iterator[ImapServer]:
    """A real IMAP server (Dovecot) on 127.0.0.1 with one mailbox, ``IMAP_USER`` whose
    password is ``IMAP_PASSWORD``: ``crm_imap.host``, ``.port``, ``.append(message)``,
    ``.add_user(login, password)``, ``.set_uidvalidity(n)``, ``.stop()`` and ``.start()``."""
    with imap_server(tmp_path) as server:
        yield server
