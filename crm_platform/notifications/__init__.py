"""Notifications: a message to a user, kept in the app (the bell in the top bar) today;
further channels (email) deliver from the same rows later.

The modules: ``tables`` (``crm_notification``), ``service`` (``notify`` and the reads and
writes of a user's own notifications), ``api`` (``/api/v1/notifications``).
"""
