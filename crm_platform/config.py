"""Instance configuration: ``CRM_*`` environment variables over an optional ``crm.toml``."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///var/crm.sqlite3"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    jobs_url: str = "sqlite:///var/jobs.sqlite3"
    # A job still running after this long is taken for dead (its worker was killed) and rerun.
    jobs_lease_seconds: int = 600
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = ""
    plugins: str = ""
    default_region: str = "US"
    theme: str = "default"
    templates_dir: str = ""
    redis_url: str = ""
    debug: bool = False
    login_attempts_per_minute: int = 10
    # Outbound email (crm_platform.mail): off while smtp_url is empty. The password comes
    # from CRM_SMTP_PASSWORD alone and is never shown, logged nor stored in the database.
    smtp_url: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    # The address people reach this CRM at, for the links sent out (emails, invites printed by
    # `crm`); http://127.0.0.1:<port> if unset. The web UI uses the address it was opened at.
    base_url: str = ""
    # Failed logins from one address, whatever the emails, before it must wait a minute.
    login_attempts_per_address_per_minute: int = 50
    # Failed logins on one account, from anywhere, before it is locked for a while.
    account_lock_failures: int = 10
    account_lock_minutes: int = 15
    # Uploaded import files wait here for their run (the web process and the worker share it).
    imports_dir: str = "var/imports"
    import_max_bytes: int = 50_000_000
    # Proxies (addresses or networks, comma-separated) whose X-Forwarded-For and
    # X-Forwarded-Proto headers are believed; none unless named.
    trusted_proxies: str = ""
    # Log lines as "text" or "json" (one object a line, with the request id), for `crm run` and `crm worker`.
    log_format: str = "text"
    # Web processes `crm run` starts; more than one needs redis_url (sessions, login limits).
    workers: int = 1
    # On SIGTERM, how long a web process lets the requests in flight finish, and `crm worker`
    # its jobs (a job cut short is rerun from the ledger).
    shutdown_seconds: int = 30
    # Scheduled backups (the worker, daily at 02:30 UTC): off while backup_dir is empty; the
    # newest backup_keep archives the job made there are kept, older ones deleted.
    backup_dir: str = ""
    backup_keep: int = 7
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def plugins_to_enable(self) -> set[str] | None:
        """Slugs named in ``CRM_PLUGINS``; ``None`` stands for ``all``."""
        names = {name.strip() for name in self.plugins.split(",") if name.strip()}
        return None if "all" in names else names


def _coerce(raw: str, annotation: str) -> object:
    # Annotations are strings here (postponed evaluation), so match on their names.
    if annotation == "bool":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if annotation == "int":
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"expected a whole number, got {raw!r}") from None
    return raw


def load_settings(environ: dict[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Read ``crm.toml`` (``CRM_CONFIG`` names another file) then ``CRM_*`` variables."""
    environ = dict(os.environ if environ is None else environ)
    path = config_file or Path(environ.get("CRM_CONFIG", "crm.toml"))
    values: dict[str, object] = {}
    if path.is_file():
        values.update(tomllib.loads(path.read_text()).get("crm", {}))
        if "smtp_password" in values:
            raise ValueError(f"{path}: the SMTP password belongs in the environment (CRM_SMTP_PASSWORD), not in a file")
    for spec in fields(Settings):
        raw = environ.get(f"CRM_{spec.name.upper()}")
        if raw is not None and spec.name != "extra":
            values[spec.name] = _coerce(raw, str(spec.type))
    unknown = set(values) - {spec.name for spec in fields(Settings)}
    if unknown:
        raise ValueError(f"unknown settings in {path}: {', '.join(sorted(unknown))}")
    return Settings(**values)  # type: ignore[arg-type]
