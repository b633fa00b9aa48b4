"""What contacts and companies share: tags, admin-defined custom fields, saved views."""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, OnDelete, Varchar
from piccolo.table import Table

from crm_platform.users.tables import User


class Tagging(Table, tablename="crm_tagging"):
    """Tags are kept on the record (for display) and here (for an indexed filter)."""

    record_type = Varchar(length=40)
    record_id = Integer()
    tag = Varchar(length=100)


class CustomField(Table, tablename="crm_custom_field"):
    """A custom field an admin defined in settings (plugins define theirs in code)."""

    record_type = Varchar(length=40)
    key = Varchar(length=60)
    label = Varchar(length=100)
    kind = Varchar(length=20, default="text")
    choices = JSON(default=[])
    required = Boolean(default=False)
    searchable = Boolean(default=False)


class SavedView(Table, tablename="crm_saved_view"):
    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    record_type = Varchar(length=40)
    name = Varchar(length=100)
    query = JSON(default={})
