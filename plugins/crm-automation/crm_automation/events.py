"""Events the automation plugin sends; like every event class, each is a workflow trigger."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import Event


@dataclass(frozen=True)
class InboundWebhookReceived(Event):
    """A signed message reached an inbound webhook; ``payload`` is its JSON body."""

    inbound_id: int
    message_id: str
    payload: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class LeadScoreChanged(Event):
    """A contact's lead score moved from ``previous`` to ``score``; a workflow can move a lead
    that crosses a threshold (``where`` cannot compare, so use a condition on the contact)."""

    contact_id: int
    score: int
    previous: int


@dataclass(frozen=True)
class FormSubmitted(Event):
    """A visitor sent a web form; ``contact_id`` is the contact made (``created``) or updated."""

    form_id: int
    contact_id: int
    created: bool
