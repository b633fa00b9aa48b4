"""Request and response bodies of the sales API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

Title = Annotated[str, Meta(max_length=200)]
Short = Annotated[str, Meta(max_length=100)]
Percent = Annotated[int, Meta(ge=0, le=100)]


class StageIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Short
    probability: Percent = 0
    kind: str = "open"
    stale_after_days: Annotated[int, Meta(ge=1, le=3650)] | None = None


class PipelineIn(msgspec.Struct, forbid_unknown_fields=True):
    """A pipeline: its open stages in order, then one ``won`` and one ``lost`` stage."""

    name: Short
    stages: Annotated[list[StageIn], Meta(min_length=3, max_length=30)]
    is_default: bool = False


class PipelinePatch(msgspec.Struct, forbid_unknown_fields=True):
    name: Short | UnsetType = UNSET
    is_default: bool | UnsetType = UNSET


class StageOut(msgspec.Struct):
    id: int
    name: str
    position: int
    probability: int
    kind: str
    stale_after_days: int | None


class PipelineOut(msgspec.Struct):
    id: int
    name: str
    is_default: bool
    stages: list[StageOut]


class DealContactIn(msgspec.Struct, forbid_unknown_fields=True):
    contact_id: int
    role: str = "other"


class DealIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new deal. Without ``stage_id`` it starts in the first stage of the pipeline (the
    default pipeline without ``pipeline_id``); ``probability`` defaults to the stage's."""

    title: Title
    amount: Decimal = Decimal(0)
    currency: str | UnsetType = UNSET
    pipeline_id: int | None = None
    stage_id: int | None = None
    expected_close_date: dt.date | None = None
    probability: Percent | None = None
    owner_id: int | None | UnsetType = UNSET
    company_id: int | None = None
    contacts: Annotated[list[DealContactIn], Meta(max_length=50)] = []
    next_step: Annotated[str, Meta(max_length=300)] = ""
    next_step_date: dt.date | None = None
    source: Short = ""


class DealPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Fields to change; the others keep their value. ``probability: null`` returns to the
    stage's default. Stages change through ``POST /deals/{id}/move``."""

    title: Title | UnsetType = UNSET
    amount: Decimal | UnsetType = UNSET
    currency: str | UnsetType = UNSET
    expected_close_date: dt.date | None | UnsetType = UNSET
    probability: Percent | None | UnsetType = UNSET
    owner_id: int | None | UnsetType = UNSET
    company_id: int | None | UnsetType = UNSET
    contacts: Annotated[list[DealContactIn], Meta(max_length=50)] | UnsetType = UNSET
    next_step: Annotated[str, Meta(max_length=300)] | UnsetType = UNSET
    next_step_date: dt.date | None | UnsetType = UNSET
    source: Short | UnsetType = UNSET


class MoveIn(msgspec.Struct, forbid_unknown_fields=True):
    """The stage to move to; a ``lost`` stage needs one of the configured ``lost_reason``s.
    A stage of another pipeline moves the deal to that pipeline when ``pipeline_id`` names it."""

    stage_id: int
    lost_reason: str | None = None
    pipeline_id: int | None = None


class DealContactOut(msgspec.Struct):
    contact_id: int
    display_name: str
    role: str


class StageVisit(msgspec.Struct):
    stage_id: int | None
    stage_name: str
    entered_at: dt.datetime
    left_at: dt.datetime | None
    days: float
    moved_by_id: int | None


class DealOut(msgspec.Struct):
    id: int
    title: str
    amount: Decimal
    currency: str
    pipeline_id: int
    stage_id: int
    stage_name: str
    status: str
    probability: int
    expected_close_date: dt.date | None
    owner_id: int | None
    company_id: int | None
    next_step: str
    next_step_date: dt.date | None
    source: str
    lost_reason: str | None
    stage_entered_at: dt.datetime
    closed_at: dt.datetime | None
    cycle_days: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    contacts: list[DealContactOut] = []
    history: list[StageVisit] = []


class DealPage(msgspec.Struct):
    items: list[DealOut]
    next_cursor: str | None


class MonthFigure(msgspec.Struct):
    month: str
    weighted: Decimal
    total: Decimal
    count: int


class OwnerFigure(msgspec.Struct):
    owner_id: int | None
    owner_name: str
    weighted: Decimal
    total: Decimal
    count: int


class StageConversion(msgspec.Struct):
    stage_id: int
    stage_name: str
    reached: int
    to_next: float | None


class ReasonFigure(msgspec.Struct):
    reason: str
    count: int
    amount: Decimal


class Forecast(msgspec.Struct):
    """Open deals weighted by probability, and how closed deals went, in one currency."""

    currency: str
    pipeline_id: int | None
    by_month: list[MonthFigure]
    by_owner: list[OwnerFigure]
    weighted_total: Decimal
    open_count: int
    won_count: int
    lost_count: int
    win_rate: float | None
    average_won_amount: Decimal | None
    average_cycle_days: float | None
    conversion: list[StageConversion]
    lost_by_reason: list[ReasonFigure]
    won_amount: Decimal
