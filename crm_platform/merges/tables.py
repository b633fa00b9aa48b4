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
