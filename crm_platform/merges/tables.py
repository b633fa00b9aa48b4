"""The merge journal: what each merge changed, so that it can be undone."""

from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Merge(Table, tablename="crm_merge"):
    """One merge of ``merged_id`` into ``survivor_id``. ``merged_row`` is the merged-away
    record as it was stored; ``survivor_before`` and ``survivor_after`` are the survivor's
    changed fields before and after (a later edit of them blocks the undo); ``links`` lists
    the rows moved or dropped, by table, and each plugin's undo data under ``plugins``."""

    kind = Varchar(length=60)
    survivor_id = Integer()
    merged_id = Integer()
    actor_id = Integer(null=True, default=None)
    merged_at = Timestamptz(default=TimestamptzNow())
    merged_row = JSON(default={})
    survivor_before = JSON(default={})
    survivor_after = JSON(default={})
    links = JSON(default={})
    undone_at = Timestamptz(null=True, default=None)
    undone_by = Integer(null=True, default=None)
    undo_note = Text(default="")


class DuplicateScan(Table, tablename="crm_duplicate_scan"):
    """One scan of every record of a kind for likely duplicates, run as a job."""

    kind = Varchar(length=60)
    status = Varchar(length=12, default="queued")
    records = Integer(default=0)
    pairs = Integer(default=0)
    started_by = Integer(null=True, default=None)
    started_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    error = Text(default="")


class DuplicatePair(Table, tablename="crm_duplicate_pair"):
    """Two records a scan found likely the same, with why, waiting for a person: ``pending``
    until merged (``merged``, with the merge) or dismissed (``dismissed``, which a later
    scan leaves alone). ``pair_key`` (``kind:first:second``, the lower id first) makes a
    pair one row however often it is found."""

    pair_key = Varchar(length=80, unique=True)
    kind = Varchar(length=60)
    first_id = Integer()
    second_id = Integer()
    reasons = JSON(default=[])
    score = Integer(default=0)
    status = Varchar(length=12, default="pending", index=True)
    scan = Integer(default=0)
    merge_id = Integer(null=True, default=None)
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
