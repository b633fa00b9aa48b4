"""The kinds of notification the core sends, and every kind an enabled plugin declares."""

from __future__ import annotations

from crm_hookspecs import NotificationKind

from crm_platform import runtime

TASK_DUE = "task_due"
TASK_OVERDUE = "task_overdue"
ASSIGNED = "assigned"
MENTIONED = "mentioned"

CORE_KINDS = [
    NotificationKind(TASK_DUE, "Task due", help="A task or follow-up assigned to you falls due"),
    NotificationKind(TASK_OVERDUE, "Task overdue", help="A task of yours is still open a day after it was due"),
    NotificationKind(ASSIGNED, "Assigned to you", help="Someone else gives you a task or a record"),
    NotificationKind(MENTIONED, "Mentioned", help="Someone writes @your name in a note or activity"),
]


def available_kinds() -> list[NotificationKind]:
    """The core's kinds, then each enabled plugin's, in plugin order."""
    return list(runtime.current().host.items("crm_notification_kinds"))
