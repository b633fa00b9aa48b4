"""Security events: admins' changes to users and sign-ins, in the audit log and the log.

Each is an audit entry on the user (``record_type`` ``user``; ``0`` when a sign-in names an
email no account has) and a line on the ``crm.security`` logger. Neither ever holds a
password, a token or a link.
"""

from __future__ import annotations

import logging
from typing import Any

from crm_platform.audit import service as audit

log = logging.getLogger("crm.security")

RECORD_TYPE = "user"
# Audit actions are at most 10 characters.
CREATED, CHANGED, DISABLED, ENABLED = "create", "update", "disable", "enable"
PASSWORD_SET, PASSWORD_CHANGED = "password", "own_passwd"
INVITED, INVITE_USED, HANDED_OVER = "invite", "joined", "handover"
LOGIN, LOGIN_FAILED, LOGIN_THROTTLED = "login", "login_fail", "throttled"


async def record(actor_id: int | None, user_id: int | None, action: str, **details: Any) -> None:
    """Write the audit entry (inside the caller's transaction) and the log line."""
    await audit.record(actor_id, RECORD_TYPE, user_id or 0, action, details)
    shown = " ".join(f"{name}={value}" for name, value in sorted(details.items()))
    log.info("user %s: %s by %s %s", user_id or "-", action, actor_id or "-", shown)
