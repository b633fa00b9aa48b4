"""Events the desk sends through ``crm_event`` once the change has committed."""

from __future__ import annotations

from dataclasses import dataclass

from crm_hookspecs import Event


@dataclass(frozen=True)
class TicketOpened(Event):
    ticket_id: int
    channel: str


@dataclass(frozen=True)
class TicketAssigned(Event):
    ticket_id: int
    assignee_id: int | None
    team_id: int | None


@dataclass(frozen=True)
class TicketReplied(Event):
    """A public reply, by an agent (``by_customer`` false) or by the customer."""

    ticket_id: int
    message_id: int
    by_customer: bool


@dataclass(frozen=True)
class TicketSolved(Event):
    ticket_id: int


@dataclass(frozen=True)
class SlaAtRisk(Event):
    """``target`` is ``first_response`` or ``resolution``."""

    ticket_id: int
    target: str


@dataclass(frozen=True)
class SlaBreached(Event):
    ticket_id: int
    target: str
