"""The automation tables: workflows and their versions, runs and the ledger of their steps,
webhook endpoints and deliveries, and the round-robin cursors."""

from piccolo.columns import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LazyTableReference,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


def _user() -> LazyTableReference:
    return LazyTableReference(table_class_name="User", app_name="crm")


class Workflow(Table, tablename="automation_workflow"):
    name = Varchar(length=200)
    description = Text(default="")
    enabled = Boolean(default=False)
    # The version new runs take; runs in flight keep theirs.
    version = Integer(default=1)
    owner = ForeignKey(references=_user(), null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class WorkflowVersion(Table, tablename="automation_version"):
    workflow = ForeignKey(references=Workflow, on_delete=OnDelete.cascade, index=True)
    number = Integer()
    trigger = JSON(default={})
    conditions = JSON(default={})
    steps = JSON(default=[])
    created_by = ForeignKey(references=_user(), null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class Run(Table, tablename="automation_run"):
    workflow = ForeignKey(references=Workflow, on_delete=OnDelete.cascade, index=True)
    workflow_version = ForeignKey(references=WorkflowVersion, on_delete=OnDelete.cascade)
    event = Varchar(length=100)
    payload = JSON(default={})
    record_kind = Varchar(length=60, default="")
    record_id = Integer(null=True, default=None)
    depth = Integer(default=0)
    # queued, running, waiting, done, failed, stopped
    state = Varchar(length=20, default="queued")
    error = Text(default="")
    resume_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class Step(Table, tablename="automation_step"):
    """The run's ledger: a step marked done here, in the transaction that did it, is never
    done again, whatever happens to the worker after."""

    run = ForeignKey(references=Run, on_delete=OnDelete.cascade)
    position = Integer()
    action = Varchar(length=100)
    # done, failed, waiting, skipped
    state = Varchar(length=20)
    outcome = JSON(default={})
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(default=TimestamptzNow())


class Endpoint(Table, tablename="automation_endpoint"):
    """Where a webhook step posts, with its signing secrets (the newest first; two while a
    secret is rotated, so receivers accept either)."""

    name = Varchar(length=200)
    url = Varchar(length=2000)
    secrets = JSON(default=[])
    created_at = Timestamptz(default=TimestamptzNow())


class Delivery(Table, tablename="automation_delivery"):
    endpoint = ForeignKey(references=Endpoint, on_delete=OnDelete.cascade, index=True)
    run = ForeignKey(references=Run, null=True, on_delete=OnDelete.set_null)
    message_id = Varchar(length=100, unique=True)
    body = Text()
    # queued, retrying, delivered, failed
    state = Varchar(length=20, default="queued")
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None)
    last_status = Integer(null=True, default=None)
    log = JSON(default=[])
    created_at = Timestamptz(default=TimestamptzNow())


class Inbound(Table, tablename="automation_inbound"):
    """An inbound webhook: senders sign with its secret; a workflow triggers on it."""

    name = Varchar(length=200)
    secret = Varchar(length=200)
    created_at = Timestamptz(default=TimestamptzNow())


class InboundSeen(Table, tablename="automation_inbound_seen"):
    """Message ids already accepted, so a replayed message is refused."""

    inbound = ForeignKey(references=Inbound, on_delete=OnDelete.cascade)
    message_id = Varchar(length=200)
    received_at = Timestamptz(default=TimestamptzNow())


class Cursor(Table, tablename="automation_cursor"):
    """Where a round robin stands, by key (the workflow step that assigns)."""

    key = Varchar(length=200, unique=True)
    position = Integer(default=0)


TABLES = (Workflow, WorkflowVersion, Run, Step, Endpoint, Delivery, Inbound, InboundSeen, Cursor)


class ScoreRule(Table, tablename="automation_score_rule"):
    """Points a contact earns (or loses) while it meets the rule's conditions."""

    name = Varchar(length=200)
    conditions = JSON(default={})
    points = Integer(default=0)
    # Days after which the points a contact earns are halved; None: they never fade.
    half_life_days = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Score(Table, tablename="automation_score"):
    """A contact's lead score and the rules that made it (``why``)."""

    contact = ForeignKey(references=LazyTableReference(table_class_name="Contact", app_name="crm"),
                         on_delete=OnDelete.cascade, unique=True)
    score = Integer(default=0)
    why = JSON(default=[])
    # Whether some of the points are still fading, so the nightly rescoring visits the contact.
    decaying = Boolean(default=False)
    updated_at = Timestamptz(default=TimestamptzNow())


TABLES = (*TABLES, ScoreRule, Score)


class Segment(Table, tablename="automation_segment"):
    """A set of records of one kind: dynamic (a saved filter, its members found when asked)
    or static (the records added to it, kept in :class:`SegmentMember`)."""

    name = Varchar(length=200)
    kind = Varchar(length=60, default="contact")
    dynamic = Boolean(default=True)
    # owner_id, tag, equals {column: value} and custom ["key:op:value"], as a list filters.
    filters = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class SegmentMember(Table, tablename="automation_segment_member"):
    segment = ForeignKey(references=Segment, on_delete=OnDelete.cascade)
    record_id = Integer()
    added_at = Timestamptz(default=TimestamptzNow())


TABLES = (*TABLES, Segment, SegmentMember)


class Form(Table, tablename="automation_form"):
    """A web-to-lead form: its fields (``name``, ``label``, ``maps_to`` a contact field,
    ``required``), hosted at ``/automation/public/forms/<token>``; contacts it makes are the
    owner's and carry ``tag``."""

    name = Varchar(length=200)
    token = Varchar(length=64, unique=True)
    fields = JSON(default=[])
    tag = Varchar(length=100, default="")
    owner = ForeignKey(references=_user(), null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


TABLES = (*TABLES, Form)


class Sequence(Table, tablename="automation_sequence"):
    """A cadence: ordered steps (an email from a template, a call or LinkedIn task), each a
    number of days after the one before, that contacts are enrolled in. ``stop_on`` names
    the events that take a contact out (an inbound email always does, when ``stop_on_reply``);
    ``deleted_at`` set is in the trash, from where it is restored."""

    name = Varchar(length=200)
    description = Text(default="")
    steps = JSON(default=[])
    stop_on_reply = Boolean(default=True)
    stop_on = JSON(default=[])
    owner = ForeignKey(references=_user(), null=True, on_delete=OnDelete.set_null)
    deleted_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Enrolment(Table, tablename="automation_enrolment"):
    """A contact in a sequence: the next step to do (``position``) and when (``due_at``);
    ``active`` until the last step is done (``finished``) or the contact is taken out
    (``stopped``, with the ``reason``)."""

    sequence = ForeignKey(references=Sequence, on_delete=OnDelete.cascade, index=True)
    contact = ForeignKey(references=LazyTableReference(table_class_name="Contact", app_name="crm"),
                         on_delete=OnDelete.cascade, index=True)
    position = Integer(default=0)
    state = Varchar(length=20, default="active")
    due_at = Timestamptz(null=True, default=None, index=True)
    reason = Varchar(length=300, default="")
    enrolled_by = ForeignKey(references=_user(), null=True, on_delete=OnDelete.set_null)
    enrolled_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)


class EnrolmentStep(Table, tablename="automation_enrolment_step"):
    """The ledger of an enrolment's steps: written in the transaction that does the step, and
    unique by (enrolment, position), so a step is never done twice."""

    enrolment = ForeignKey(references=Enrolment, on_delete=OnDelete.cascade)
    position = Integer()
    outcome = JSON(default={})
    done_at = Timestamptz(default=TimestamptzNow())


TABLES = (*TABLES, Sequence, Enrolment, EnrolmentStep)
