"""The plugin machinery. Private: plugins use :mod:`crm_hookspecs` and
:mod:`crm_platform.toolkit`, never this package."""

from crm_platform._plugins.manager import PluginConflictError, PluginHost, PluginRecord

__all__ = ["PluginConflictError", "PluginHost", "PluginRecord"]
