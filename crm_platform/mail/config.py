"""Where outbound email goes: ``CRM_SMTP_URL`` read into an :class:`SmtpConfig`.

The URL says how to reach the relay, and nothing secret::

    smtp://host[:port]                      plain SMTP (port 25), for a relay on this machine
    smtp://user@host[:port]?starttls=1      STARTTLS required before anything is sent (port 587)
    smtps://user@host[:port]                implicit TLS from the first byte (port 465)

Parameters: ``starttls=1`` (``smtp://`` only), ``cafile=/path/ca.pem`` (trust this CA as well
as the system's, for a relay with a private certificate) and ``timeout=SECONDS`` (30). A user
name that is an address is written with ``%40`` for its ``@``. The password comes from
``CRM_SMTP_PASSWORD`` only: one written into the URL is refused, so it never ends up in a log
line or a page that shows the URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.headerregistry import Address
from email.utils import parseaddr
from urllib.parse import parse_qsl, unquote, urlsplit

from crm_platform import runtime
from crm_platform.config import Settings

DEFAULT_PORTS = {("smtp", False): 25, ("smtp", True): 587, ("smtps", False): 465}
DEFAULT_TIMEOUT = 30.0
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
PARAMETERS = ("starttls", "cafile", "timeout")
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class MailConfigError(ValueError):
    """``CRM_SMTP_URL`` or ``CRM_SMTP_FROM`` cannot be used; the message says what to change."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # "starttls", "tls" (implicit) or "none"
    sender: str
    username: str = ""
    password: str = field(default="", repr=False)
    cafile: str = ""
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        """The relay as an admin may see it: no password, ever."""
        security = {"starttls": "STARTTLS", "tls": "TLS", "none": "no encryption"}[self.security]
        user = f"{self.username} at " if self.username else ""
        return f"{user}{self.host}:{self.port} ({security}), from {self.sender}"


def parse_smtp_url(url: str, *, password: str = "", sender: str = "") -> SmtpConfig:
    """Read ``url`` (see the module's docstring); raises :class:`MailConfigError` naming the problem."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps"):
        raise MailConfigError(f"CRM_SMTP_URL must start with smtp:// or smtps://, not {url.split(':', 1)[0]!r}")
    if parts.password is not None:
        raise MailConfigError("CRM_SMTP_URL must not hold the password: set CRM_SMTP_PASSWORD instead")
    if not parts.hostname:
        raise MailConfigError("CRM_SMTP_URL names no host, like smtp://mail.example.com:587?starttls=1")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(query) - set(PARAMETERS))
    if unknown:
        raise MailConfigError(f"CRM_SMTP_URL has unknown parameters {', '.join(unknown)}; known: {', '.join(PARAMETERS)}")
    starttls = _flag(query.get("starttls", "0"))
    if starttls and parts.scheme == "smtps":
        raise MailConfigError("CRM_SMTP_URL: smtps:// is TLS from the start; starttls=1 is for smtp:// only")
    try:
        port = parts.port or DEFAULT_PORTS[(parts.scheme, starttls)]
        timeout = float(query.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as exc:
        raise MailConfigError(f"CRM_SMTP_URL: {exc}") from None
    if timeout <= 0:
        raise MailConfigError("CRM_SMTP_URL: timeout must be a number of seconds above 0")
    username = unquote(parts.username or "")
    return SmtpConfig(
        host=parts.hostname, port=port, security="tls" if parts.scheme == "smtps" else "starttls" if starttls else "none",
        sender=_sender(sender, username), username=username, password=password, cafile=query.get("cafile", ""),
        timeout=timeout,
    )


def _flag(raw: str) -> bool:
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise MailConfigError(f"CRM_SMTP_URL: starttls must be 1 or 0, not {raw!r}")


def _sender(sender: str, username: str) -> str:
    """The From address: ``CRM_SMTP_FROM`` (``CRM <crm@example.com>`` or a bare address), else
    the user name when it is an address."""
    chosen = sender.strip() or (username if "@" in username else "")
    if not chosen:
        raise MailConfigError("set CRM_SMTP_FROM to the address emails come from, like CRM <crm@example.com>")
    name, address = parseaddr(chosen)
    if "@" not in address:
        raise MailConfigError(f"CRM_SMTP_FROM must be an email address, like CRM <crm@example.com>, not {chosen!r}")
    return str(Address(display_name=name, addr_spec=address))


def smtp_config(settings: Settings | None = None) -> SmtpConfig | None:
    """The instance's relay, or ``None`` while email is off (``CRM_SMTP_URL`` unset)."""
    settings = settings or runtime.current().settings
    if not settings.smtp_url.strip():
        return None
    return parse_smtp_url(settings.smtp_url, password=settings.smtp_password, sender=settings.smtp_from)


def email_enabled() -> bool:
    """Whether this instance sends email: ``CRM_SMTP_URL`` is set and can be used."""
    try:
        return smtp_config() is not None
    except MailConfigError:
        return False


def absolute_url(path: str, settings: Settings | None = None) -> str:
    """``path`` (``/contacts/12``) as a link that works from an email: ``CRM_BASE_URL`` + path."""
    settings = settings or runtime.current().settings
    base = (settings.base_url or DEFAULT_BASE_URL).rstrip("/")
    return base + (path or "/")


def mail_status() -> dict[str, object]:
    """What the settings page says about email: on or off, the relay (never its password),
    where links point, and why a configuration that is set cannot be used."""
    settings = runtime.current().settings
    try:
        config = smtp_config(settings)
    except MailConfigError as exc:
        return {"on": False, "relay": "", "base_url": "", "error": str(exc)}
    return {
        "on": config is not None, "relay": config.describe() if config else "",
        "base_url": (settings.base_url or DEFAULT_BASE_URL).rstrip("/"), "error": "",
    }
