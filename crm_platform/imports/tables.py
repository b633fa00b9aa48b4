"""Import runs, their ledger of rows, and the keys that make a second import of the same
rows update what the first one created."""

from piccolo.columns import JSON, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from crm_platform.users.tables import User

# A run moves forward through these; ``failed`` may follow any step and says why in ``error``.
STATUSES = (
    "mapping", "planning", "planned", "committing", "committed", "rolling_back", "rolled_back", "failed",
)
OUTCOMES = ("create", "update", "skip", "error")
# Which rows a run writes: new records, changes to matched ones, or both.
MODES = ("create_and_update", "create_only", "update_only")
# How an update treats a field the record has already filled: replace it, or keep it.
UPDATE_MODES = ("overwrite", "fill_empty")


class ImportRun(Table, tablename="crm_import_run"):
    """One file imported into one record kind. ``revision`` grows with each new mapping, so a
    dry run of the new mapping is a job of its own."""

    owner = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    kind = Varchar(length=60)
    format = Varchar(length=60)
    filename = Varchar(length=255, default="")
    path = Varchar(length=1000)
    size = Integer(default=0)
    encoding = Varchar(length=30, default="")
    delimiter = Varchar(length=4, default="")
    columns = JSON(default=[])
    mapping = JSON(default={})
    source = Varchar(length=100, default="")
    match_key = Varchar(length=60, default="")
    mode = Varchar(length=20, default="create_and_update")
    update_mode = Varchar(length=20, default="overwrite")
    # The other system's export the header was recognised as (``hubspot``, ``zoho`` ...), if any.
    preset = Varchar(length=30, default="")
    status = Varchar(length=20, default="mapping")
    revision = Integer(default=0)
    rows_total = Integer(default=0)
    rows_done = Integer(default=0)
    # Outcome counts: ``planned`` of the dry run, ``committed`` of the commit, ``undone`` of a rollback.
    planned = JSON(default={})
    committed = JSON(default={})
    undone = JSON(default={})
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ImportRow(Table, tablename="crm_import_row"):
    """What happened to one row of a run: ``phase`` is ``dry`` for the dry run, ``commit`` for
    the commit. ``previous`` holds the values an update replaced and ``written`` the values
    it wrote, so a rollback can tell a field edited since. ``undo`` says what a rollback did."""

    run = ForeignKey(references=ImportRun, on_delete=OnDelete.cascade)
    phase = Varchar(length=10)
    row_number = Integer()
    external_id = Varchar(length=254, default="")
    record_id = Integer(null=True, default=None)
    outcome = Varchar(length=10)
    reason = Text(default="")
    previous = JSON(default={})
    written = JSON(default={})
    undo = Text(default="")


class ImportKey(Table, tablename="crm_import_key"):
    """The record an external id of a source became: unique per kind, source and id."""

    record_type = Varchar(length=60)
    source = Varchar(length=100)
    external_id = Varchar(length=254)
    record_id = Integer()

