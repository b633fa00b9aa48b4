"""The plugin's own table, prefixed with its slug; it references the core's users and contacts
through the core's Piccolo app."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


def _core(name: str) -> LazyTableReference:
    return LazyTableReference(table_class_name=name, app_name="crm")


class Pet(Table, tablename="vet_pet"):
    name = Varchar(length=100)
    species = Varchar(length=20, default="dog")
    born_on = Date(null=True, default=None)
    # The contact who brings the pet in.
    keeper = ForeignKey(references=_core("Contact"), null=True, on_delete=OnDelete.set_null, index=True)
    owner = ForeignKey(references=_core("User"), null=True, on_delete=OnDelete.set_null, index=True)
    # Sensitive records (a case under investigation) are seen only by holders of vet.sensitive.
    sensitive = Boolean(default=False)
    vaccinated_on = Date(null=True, default=None)
    # The vaccination date the keeper was last reminded of, so the daily job reminds once.
    reminded_for = Date(null=True, default=None)
    tags = JSON(default=[])
    custom = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
