"""The plugin's table, prefixed with its slug."""

from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

TITLE_LENGTH = 200


class Item(Table, tablename="realestate_item"):
    title = Varchar(length=TITLE_LENGTH)
    # A contact's id rather than a foreign key: the plugin's schema names no core table, so the
    # plugin can be removed without touching the core's. crm_event forgets a deleted contact.
    contact_id = Integer(null=True, default=None, index=True)
    # The user who owns the item; record access (own, team, all) is decided on it.
    owner = Integer(null=True, default=None, index=True)
    # Kept by the core's pipeline: normalised tags in the tag index, checked custom fields.
    tags = JSON(default=[])
    custom = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
