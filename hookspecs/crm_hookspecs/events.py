"""Events delivered to ``crm_event`` after the transaction that caused them commits.

A plugin defines its own events by subclassing :class:`Event` as a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    """Base of every event. ``actor_id`` is the user who caused it, if any."""

    actor_id: int | None

    @property
    def name(self) -> str:
        return type(self).__name__


@dataclass(frozen=True)
class ContactCreated(Event):
    contact_id: int


@dataclass(frozen=True)
class ContactUpdated(Event):
    contact_id: int
    changes: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ContactDeleted(Event):
    contact_id: int


@dataclass(frozen=True)
class CompanyCreated(Event):
    company_id: int


@dataclass(frozen=True)
class CompanyUpdated(Event):
    company_id: int
    changes: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class CompanyDeleted(Event):
    company_id: int


@dataclass(frozen=True)
class ActivityLogged(Event):
    activity_id: int
    type: str


@dataclass(frozen=True)
class TaskDue(Event):
    activity_id: int
    assignee_id: int | None


@dataclass(frozen=True)
class ActivityUpdated(Event):
    """Added in crm-hookspecs 1.1."""

    activity_id: int
    changes: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ActivityDeleted(Event):
    """Added in crm-hookspecs 1.1."""

    activity_id: int


@dataclass(frozen=True)
class RecordCreated(Event):
    """A record of any kind was created: ``kind`` is ``contact``, ``sales.deal`` ... Sent
    beside the kind's own event (``ContactCreated``). Added in crm-hookspecs 1.1."""

    kind: str
    record_id: int


@dataclass(frozen=True)
class RecordUpdated(Event):
    """A record of any kind changed; ``changes`` is ``{field: {"from": old, "to": new}}``.
    Added in crm-hookspecs 1.1."""

    kind: str
    record_id: int
    changes: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class RecordDeleted(Event):
    """A record of any kind was deleted; ``values`` holds its audited fields as they were, since
    it can no longer be read. Added in crm-hookspecs 1.1."""

    kind: str
    record_id: int
    values: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class RecordRestored(Event):
    """A record of any kind came back from the trash, with what pointed at it, under
    ``record_id`` (its old id, unless another record took it since). Added in crm-hookspecs 1.2."""

    kind: str
    record_id: int
