"""Sending notifications to users, and each user's own: their list, unread count, marking read.

Every notification is sent here, by :func:`deliver`, to the channels each user chose for its
kind (``preferences``): the in-app channel is a ``crm_notification`` row, the email channel
an email queued in the same transaction (where the instance sends email). A user only ever
reads and marks their own notifications: every query below is limited to the principal's id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from crm_hookspecs import Principal

from crm_platform import clock
from crm_platform.db.raw import decode_json_columns, execute, fetch, placeholders
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Invalid, invalid
from crm_platform.mail.config import email_enabled
from crm_platform.mail.outbox import queue_emails
from crm_platform.notifications.email import notification_email
from crm_platform.notifications.preferences import wants
from crm_platform.notifications.tables import Notification
from crm_platform.records.pagination import check_limit, decode_cursor, encode_cursor

MAX_SUBJECT = 200
MAX_BODY = 2000
MAX_HREF = 500
MAX_NAME = 60
# Rows per INSERT: nine values each keeps a statement under either engine's limit on
# bound values (32766 on SQLite, 32767 on PostgreSQL).
ROWS_PER_STATEMENT = 1000

_KIND = re.compile(r"[a-z0-9_.-]*")
_COLUMNS = "id, kind, subject, body, href, record_type, record_id, created_at, read_at"


@dataclass(frozen=True)
class Message:
    """What a notification says; it checks itself, raising ``Invalid`` naming each bad field.

    ``href`` is a path inside the app (``/contacts/12``), never another site: it is shown
    as a link to the user, so ``//evil.example`` or ``https://...`` could send them away.
    """

    subject: str
    body: str = ""
    href: str = ""
    kind: str = ""
    record_type: str | None = None
    record_id: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "subject", self.subject.strip() if isinstance(self.subject, str) else self.subject)
        errors = {field: problem for field, problem in _problems(self) if problem}
        if errors:
            raise Invalid(errors)


def _problems(message: Message) -> Iterable[tuple[str, str]]:
    if not isinstance(message.subject, str) or not message.subject:
        yield "subject", "is required: a line saying what happened"
    elif len(message.subject) > MAX_SUBJECT:
        yield "subject", f"must be at most {MAX_SUBJECT} characters, not {len(message.subject)}"
    if not isinstance(message.body, str):
        yield "body", "must be plain text"
    elif len(message.body) > MAX_BODY:
        yield "body", f"must be at most {MAX_BODY} characters, not {len(message.body)}"
    yield "href", _href_problem(message.href)
    if not isinstance(message.kind, str) or len(message.kind) > MAX_NAME or not _KIND.fullmatch(message.kind):
        yield "kind", f"must be at most {MAX_NAME} lower-case letters, digits, _ . or -, like task_due or vet.vaccination"
    yield from _record_problems(message.record_type, message.record_id)


def _href_problem(href: object) -> str:
    if not isinstance(href, str):
        return "must be a path inside the app, like /contacts/12"
    if not href:
        return ""
    # Browsers read a backslash as a slash, so "/\evil.example" is another site too.
    if not href.startswith("/") or href.startswith("//") or "\\" in href or any(c.isspace() for c in href):
        return f"must be a path inside the app, starting with one / and without spaces, like /contacts/12, not {href[:60]!r}"
    if len(href) > MAX_HREF:
        return f"must be at most {MAX_HREF} characters"
    return ""


def _record_problems(record_type: object, record_id: object) -> Iterable[tuple[str, str]]:
    if record_type is None and record_id is None:
        return
    if record_type is None or record_id is None:
        missing = "record_type" if record_type is None else "record_id"
        yield missing, "is required with the other: name what the notification is about with both, or neither"
        return
    if not isinstance(record_type, str) or not 1 <= len(record_type) <= MAX_NAME:
        yield "record_type", f"must be a record kind of 1 to {MAX_NAME} characters, like contact or vet.pet"
    if not _is_id(record_id):
        yield "record_id", "must be a record id (a whole number)"


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _user_ids(user_ids: Iterable[int]) -> list[int]:
    """Each user once, in the order given."""
    if _is_id(user_ids) or isinstance(user_ids, str | bytes) or not isinstance(user_ids, Iterable):
        raise invalid("user_ids", f"must be a list of user ids, like [{user_ids!r}], not {type(user_ids).__name__}")
    ids = list(user_ids)
    wrong = [value for value in ids if not _is_id(value)]
    if wrong:
        raise invalid("user_ids", f"must be user ids (whole numbers), not {wrong[0]!r}")
    return list(dict.fromkeys(ids))


async def notify(
    user_ids: Iterable[int],
    subject: str,
    *,
    body: str = "",
    href: str = "",
    kind: str = "",
    record_type: str | None = None,
    record_id: int | None = None,
) -> list[int]:
    """Notify each of ``user_ids`` (the same message to each) through the channels each chose
    for ``kind``; returns the new in-app notifications' ids. Users that do not exist or are
    inactive are skipped. Inside a ``unit_of_work()`` the notifications and emails are written
    in its transaction, and vanish with its rollback."""
    message = Message(subject, body, href, kind, record_type, record_id)
    return await deliver([(user_id, message) for user_id in _user_ids(user_ids)])


async def deliver(messages: Sequence[tuple[int, Message]]) -> list[int]:
    """Send each ``(user id, message)`` whose user is active to the channels the user chose for
    the message's kind, in as few statements as the engine allows whatever the number: the
    in-app notifications in one insert (per thousand), the emails as one batch for one run of
    the send job. Returns the in-app notifications' ids in the order given."""
    if not messages:
        return []
    async with unit_of_work():
        recipients = await _recipients(sorted({user_id for user_id, _ in messages}))
        now = clock.now()
        rows = [
            Notification(
                user=user_id, kind=message.kind, subject=message.subject, body=message.body, href=message.href,
                record_type=message.record_type, record_id=message.record_id, created_at=now, read_at=None,
            )
            for user_id, message in messages
            if user_id in recipients and wants(recipients[user_id]["choices"], message.kind, "in_app")
        ]
        ids: list[int] = []
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            inserted = await Notification.insert(*rows[start : start + ROWS_PER_STATEMENT])
            ids += [row["id"] for row in inserted]
        if email_enabled():
            await queue_emails([
                notification_email(recipients[user_id]["email"], message.subject, message.body, message.href)
                for user_id, message in messages
                if user_id in recipients and wants(recipients[user_id]["choices"], message.kind, "email")
            ])
    return ids


async def _recipients(user_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The active ones of ``user_ids``, each with their address and channel choices."""
    if not user_ids:
        return {}
    rows = await fetch(
        'SELECT u.id, u.email, p.choices FROM crm_user u LEFT JOIN crm_notification_preference p ON p."user" = u.id '
        f"WHERE u.id IN ({placeholders(user_ids)}) AND u.is_active = {{}}",
        *user_ids, True,
    )
    return {row["id"]: {"email": row["email"], "choices": decode_json_columns(row, ["choices"])["choices"] or {}}
            for row in rows}


async def unread_count(principal: Principal, *, at_most: int | None = None) -> int:
    """How many of the user's notifications are unread; counting stops at ``at_most`` if given
    (a badge shows "99+" and need not count further)."""
    limit = f" LIMIT {int(at_most)}" if at_most is not None else ""
    rows = await fetch(
        'SELECT count(*) AS n FROM (SELECT 1 FROM crm_notification WHERE "user" = {} AND read_at IS NULL'
        f"{limit}) AS unread",
        principal.id,
    )
    return rows[0]["n"]


async def list_for(
    principal: Principal, *, unread_only: bool = False, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the user's notifications, newest first, and the next page's cursor (or None)."""
    check_limit(limit)
    conditions, args = ['"user" = {}'], [principal.id]
    if unread_only:
        conditions.append("read_at IS NULL")
    if cursor:
        # Ids grow with time, so the id alone orders the list and places the cursor.
        _, last_id = decode_cursor(cursor)
        conditions.append("id < {}")
        args.append(last_id)
    rows = await fetch(
        f"SELECT {_COLUMNS} FROM crm_notification WHERE {' AND '.join(conditions)} "
        f"ORDER BY id DESC LIMIT {limit + 1}",
        *args,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["id"], rows[-1]["id"]) if more else None


async def mark_read(principal: Principal, ids: Iterable[int] | Literal["all"]) -> int:
    """Mark the given notifications of the user read (or all of them, with ``"all"``); ids of
    other users' notifications, or of ones already read, are left alone. Returns how many
    were marked."""
    conditions, args = ['"user" = {}', "read_at IS NULL"], [principal.id]
    if ids != "all":
        wanted = _notification_ids(ids)
        if not wanted:
            return 0
        conditions.append(f"id IN ({placeholders(wanted)})")
        args += wanted
    async with unit_of_work():
        rows = await execute(
            f"UPDATE crm_notification SET read_at = {{}} WHERE {' AND '.join(conditions)} RETURNING id",
            clock.now(),
            *args,
        )
    return len(rows)


def _notification_ids(ids: Iterable[int]) -> list[int]:
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise invalid("ids", 'must be a list of notification ids, or "all"')
    wanted = list(ids)
    wrong = [value for value in wanted if not _is_id(value)]
    if wrong:
        raise invalid("ids", f"must be notification ids (whole numbers), not {wrong[0]!r}")
    return sorted(set(wanted))
