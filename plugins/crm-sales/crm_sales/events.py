"""Events the sales plugin sends through ``crm_event`` after the change commits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from crm_hookspecs import Event


@dataclass(frozen=True)
class DealCreated(Event):
    deal_id: int
    pipeline_id: int
    stage_id: int


@dataclass(frozen=True)
class DealStageChanged(Event):
    deal_id: int
    pipeline_id: int
    stage_from_id: int
    stage_to_id: int


@dataclass(frozen=True)
class DealWon(Event):
    deal_id: int
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class DealLost(Event):
    deal_id: int
    lost_reason: str
