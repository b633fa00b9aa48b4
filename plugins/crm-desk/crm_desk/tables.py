"""The desk's tables, prefixed with its slug. Core records (contacts, companies, users, teams)
are held by id rather than by foreign key: the desk's schema names no core table, so the plugin
can be removed without touching the core's."""

import datetime as dt

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

SUBJECT_LENGTH = 200
BODY_LENGTH = 50_000
FAR_FUTURE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


class Ticket(Table, tablename="desk_ticket"):
    """One problem a customer raised. ``owner`` is the assignee (record access is decided on
    it and on ``team_id``); the SLA columns hold each target's due time and its derivation,
    recomputed whenever the ticket's status or priority changes."""

    subject = Varchar(length=SUBJECT_LENGTH)
    description = Text(default="")
    requester_id = Integer(null=True, default=None, index=True)
    company_id = Integer(null=True, default=None, index=True)
    status = Varchar(length=20, default="new", index=True)
    priority = Varchar(length=10, default="normal")
    category = Varchar(length=100, default="")
    channel = Varchar(length=10, default="api")
    owner = Integer(null=True, default=None, index=True)
    team_id = Integer(null=True, default=None, index=True)
    tags = JSON(default=[])
    custom = JSON(default={})
    # The unguessable part of the customer's status page link, and the thread's first Message-ID.
    public_token = Varchar(length=64, unique=True)
    thread_id = Varchar(length=250, default="", index=True)
    first_response_due = Timestamptz(null=True, default=None, index=True)
    first_response_at_risk = Timestamptz(null=True, default=None, index=True)
    first_response_derivation = Text(default="")
    first_responded_at = Timestamptz(null=True, default=None)
    resolution_due = Timestamptz(null=True, default=None, index=True)
    resolution_at_risk = Timestamptz(null=True, default=None, index=True)
    resolution_derivation = Text(default="")
    # The sooner of the two running due times (FAR_FUTURE when none runs), what queues sort
    # on, and when that target goes at risk: the at-risk and breached queues read only these.
    next_due = Timestamptz(null=True, default=None)
    next_at_risk = Timestamptz(null=True, default=None, index=True)
    # Whether that target is at risk now; desk.sla_watch keeps it in step with the clock each
    # minute, so the at-risk queue is one index range.
    at_risk = Boolean(default=False)
    solved_at = Timestamptz(null=True, default=None)
    csat_score = Integer(null=True, default=None)
    csat_comment = Text(default="")
    reopened_from = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    # Which SLA policy set the targets (none: the priority's default) and why it won, in words.
    sla_policy_id = Integer(null=True, default=None)
    sla_policy_reason = Text(default="")
    # A deal of the sales plugin the ticket belongs to, when that plugin is enabled.
    deal_id = Integer(null=True, default=None, index=True)


class Message(Table, tablename="desk_message"):
    """A public reply (to or from the customer) or an internal note on a ticket. ``message_id``
    is the RFC 5322 Message-ID of a reply sent or received by email, so replies thread."""

    ticket = ForeignKey(references=Ticket, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10, default="reply")  # reply (agent), note (internal), customer
    author_id = Integer(null=True, default=None)
    from_address = Varchar(length=254, default="")
    # Where an agent's reply is emailed: the requester's address when it was written.
    to_address = Varchar(length=254, default="")
    body = Text(default="")
    message_id = Varchar(length=250, default="", index=True)
    activity_id = Integer(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Pause(Table, tablename="desk_pause"):
    """A stretch the ticket waited on the customer or was on hold; its SLA clocks stood still."""

    ticket = ForeignKey(references=Ticket, on_delete=OnDelete.cascade, index=True)
    started_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)


class SlaFlag(Table, tablename="desk_sla_flag"):
    """That a ticket's target went at risk or was breached; unique, so each fires once."""

    ticket = ForeignKey(references=Ticket, on_delete=OnDelete.cascade, index=True)
    target = Varchar(length=20)  # first_response, resolution
    flag = Varchar(length=10)  # at_risk, breached
    raised_at = Timestamptz(default=TimestamptzNow())


class Policy(Table, tablename="desk_policy"):
    """Targets in business minutes for one priority."""

    priority = Varchar(length=10, unique=True)
    first_response_minutes = Integer()
    resolution_minutes = Integer()


class SlaPolicy(Table, tablename="desk_sla_policy"):
    """Targets for the tickets of one company, one category, or both; ``targets`` maps a
    priority to ``[first response, resolution]`` business minutes. A priority it leaves out
    falls through to the next less specific policy. One policy per company and category."""

    name = Varchar(length=100, unique=True)
    company_id = Integer(null=True, default=None)
    category = Varchar(length=100, default="")
    targets = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Presence(Table, tablename="desk_presence"):
    """That an agent has a ticket open (``seen_at``, renewed while the page is open) and when
    they last typed in its reply box; one row per ticket and agent."""

    ticket = ForeignKey(references=Ticket, on_delete=OnDelete.cascade, index=True)
    user_id = Integer()
    seen_at = Timestamptz()
    replying_at = Timestamptz(null=True, default=None)


class BusinessCalendar(Table, tablename="desk_calendar"):
    """A team's working hours; ``team_id`` 0 is the calendar of teams without their own."""

    team_id = Integer(default=0, unique=True)
    timezone = Varchar(length=64, default="UTC")
    hours = JSON(default={})
    holidays = JSON(default=[])


class CannedReply(Table, tablename="desk_canned_reply"):
    title = Varchar(length=100, unique=True)
    body = Text()
    active = Boolean(default=True)
