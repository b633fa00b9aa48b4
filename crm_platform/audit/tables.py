"""Who changed what, when, from what to what."""

from piccolo.columns import JSON, BigInt, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ACTION_LENGTH = 40
HASH_LENGTH = 64


class AuditEntry(Table, tablename="crm_audit_entry"):
    at = Timestamptz(default=TimestamptzNow())
    # A plain id rather than a foreign key: the history outlives the user.
    actor_id = Integer(null=True, default=None)
    record_type = Varchar(length=60)
    record_id = Integer()
    action = Varchar(length=ACTION_LENGTH)
    changes = JSON(default={})
    # The hash chain (audit/chain.py): the entry's place, its predecessor's hash and its own.
    seq = BigInt(null=True, default=None)
    prev_hash = Varchar(length=HASH_LENGTH, null=True, default=None)
    entry_hash = Varchar(length=HASH_LENGTH, null=True, default=None)
