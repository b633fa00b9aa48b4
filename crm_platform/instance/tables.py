"""Instance-wide state: which plugins are enabled, and settings by namespace."""

from piccolo.columns import JSON, Boolean, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class PluginState(Table, tablename="crm_plugin_state"):
    slug = Varchar(length=60, unique=True)
    enabled = Boolean(default=False)
    changed_at = Timestamptz(default=TimestamptzNow())


class SettingValue(Table, tablename="crm_setting"):
    namespace = Varchar(length=60)
    key = Varchar(length=100)
    value = JSON(default="null")
