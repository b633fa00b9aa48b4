"""``crm_trash``: one deleted record, its stored row and the rows that pointed at it."""

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class TrashEntry(Table, tablename="crm_trash"):
    """``row_data`` is the record's row as it was stored, ``links`` the rows of other tables
    that pointed at it (see ``trash.capture``). ``owner`` is the record's owner when it was
    deleted: the trash shows an entry to whoever could see the record."""

    kind = Varchar(length=60)
    record_id = Integer()
    title = Varchar(length=300, default="")
    owner = Integer(null=True, default=None, index=True)
    row_data = JSON(default={})
    links = JSON(default={})
    deleted_by = Integer(null=True, default=None)
    deleted_at = Timestamptz(default=TimestamptzNow(), index=True)
    expires = Timestamptz(default=TimestamptzNow(), index=True)
