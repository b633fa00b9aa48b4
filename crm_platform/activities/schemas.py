"""Request and response bodies of the activities, timeline and tasks APIs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

Subject = Annotated[str, Meta(max_length=300)]
Body = Annotated[str, Meta(max_length=200_000)]
Channel = Annotated[str, Meta(max_length=60)]
ParticipantIds = Annotated[list[int], Meta(max_length=100)]


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    """A record the activity is about: ``contact``, ``company`` or ``<plugin>.<name>``."""

    record_type: Annotated[str, Meta(min_length=1, max_length=40)]
    record_id: int


Links = Annotated[list[LinkIn], Meta(max_length=50)]


class ActivityIn(msgspec.Struct, forbid_unknown_fields=True):
    """Something that happened or must happen. ``occurred_at`` defaults to now; task types
    are assigned to their owner unless ``assignee_id`` says otherwise."""

    type: Annotated[str, Meta(min_length=1, max_length=60)]
    subject: Subject = ""
    body: Body = ""
    occurred_at: dt.datetime | None = None
    # When a meeting or call ended (at or after ``occurred_at``); none for a moment.
    ends_at: dt.datetime | None = None
    direction: str = ""
    channel: Channel = ""
    participant_ids: ParticipantIds = []
    links: Links = []
    owner_id: int | None | UnsetType = UNSET
    due_at: dt.datetime | None = None
    assignee_id: int | None | UnsetType = UNSET
    done: bool = False
    source: Annotated[str, Meta(max_length=60)] = ""
    external_id: Annotated[str, Meta(min_length=1, max_length=255)] | None = None


class ActivityPatch(msgspec.Struct, forbid_unknown_fields=True):
    """The fields to change. ``type`` may change to another kind of the same sort: an
    activity stays an activity, a task a task."""

    type: Annotated[str, Meta(min_length=1, max_length=60)] | UnsetType = UNSET
    subject: Subject | UnsetType = UNSET
    body: Body | UnsetType = UNSET
    occurred_at: dt.datetime | UnsetType = UNSET
    ends_at: dt.datetime | None | UnsetType = UNSET
    direction: str | UnsetType = UNSET
    channel: Channel | UnsetType = UNSET
    participant_ids: ParticipantIds | UnsetType = UNSET
    links: Links | UnsetType = UNSET
    owner_id: int | None | UnsetType = UNSET
    due_at: dt.datetime | None | UnsetType = UNSET
    assignee_id: int | None | UnsetType = UNSET
    done: bool | UnsetType = UNSET


class LinkOut(msgspec.Struct):
    record_type: str
    record_id: int
    role: str


class ActivityOut(msgspec.Struct):
    id: int
    type: str
    is_task: bool
    subject: str
    body: str
    occurred_at: dt.datetime
    direction: str
    channel: str
    participant_ids: list[int]
    links: list[LinkOut]
    owner_id: int | None
    due_at: dt.datetime | None
    assignee_id: int | None
    done: bool
    done_at: dt.datetime | None
    source: str
    external_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    ends_at: dt.datetime | None = None


class TimelineEntry(msgspec.Struct):
    """An activity (``activity`` is set) or an item a plugin keeps (``activity`` is null)."""

    kind: str
    key: str
    occurred_at: dt.datetime
    title: str
    body_html: str = ""
    href: str = ""
    activity: ActivityOut | None = None


class TimelinePage(msgspec.Struct):
    items: list[TimelineEntry]
    next_cursor: str | None


class TaskCounts(msgspec.Struct):
    """Open tasks the filter finds, in all and per due window (today and week are local)."""

    all: int
    overdue: int
    today: int
    week: int
    upcoming: int


class TaskPage(msgspec.Struct):
    items: list[ActivityOut]
    next_cursor: str | None
    counts: TaskCounts


TaskId = Annotated[int, Meta(ge=1, le=2**31 - 1)]
TaskIds = Annotated[list[TaskId], Meta(min_length=1, max_length=200)]


class TasksDone(msgspec.Struct, forbid_unknown_fields=True):
    ids: TaskIds


class TasksReschedule(msgspec.Struct, forbid_unknown_fields=True):
    """Either ``date`` (each task keeps its time of day in ``tz``) or ``days`` (+N or -N)."""

    ids: TaskIds
    date: dt.date | None = None
    days: Annotated[int, Meta(ge=-3650, le=3650)] | None = None
    tz: Annotated[str, Meta(max_length=60)] = "UTC"


class TasksChanged(msgspec.Struct):
    ids: list[int]
