"""``crm_notification``: one message to one user, read or not."""

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.users.tables import User


class Notification(Table, tablename="crm_notification"):
    """A user's lists and unread count read the index ``(user, read_at, id)`` that
    migration 0007 adds; it serves the cascade from ``crm_user`` too, so the foreign key
    has no index of its own."""

    user = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=60, default="")
    subject = Varchar(length=200)
    body = Text(default="")
    href = Varchar(length=500, default="")
    # What the notification is about, if anything: ``contact`` 12, ``vet.pet`` 3.
    record_type = Varchar(length=60, null=True, default=None)
    record_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)


class NotificationPreference(Table, tablename="crm_notification_preference"):
    """A user's choice of channels per kind of notification: ``{"task_due": {"in_app": true,
    "email": false}}``. A kind not in ``choices`` goes to every channel; a user who never
    chose has no row."""

    user = ForeignKey(references=User, null=False, unique=True, on_delete=OnDelete.cascade)
    choices = JSON(default={})
