"""crm-hookspecs: the plugin contract of crm-platform.

A plugin implements hooks with :data:`hookimpl` and returns types from
:mod:`crm_hookspecs.types`; events come from :mod:`crm_hookspecs.events`.
"""

from __future__ import annotations

from importlib import metadata

import pluggy

from crm_hookspecs import _specs as hookspecs
from crm_hookspecs.events import Event
from crm_hookspecs.types import (
    ALL_ROLES,
    FIELD_KEY_PATTERN,
    FIELD_KINDS,
    AccessFilter,
    ActionCall,
    ActivityType,
    CliCommand,
    ContactRevenue,
    DashboardWidget,
    DatabaseApp,
    DemoContact,
    DemoData,
    FieldDefinition,
    Importer,
    Job,
    NavItem,
    NotificationKind,
    Panel,
    Permission,
    PersonalData,
    PluginInfo,
    Principal,
    RecordAction,
    RecordKind,
    RecordMerge,
    RecordTab,
    RecordWrite,
    RelationshipType,
    ReportColumn,
    ReportDefinition,
    ReportParameter,
    ReportQuery,
    ReportResult,
    Routes,
    SearchResult,
    SearchText,
    Setting,
    StaticDir,
    TemplateDir,
    TimelineItem,
    WorkflowAction,
)

PROJECT_NAME = "crm_platform"
ENTRY_POINT_GROUP = "crm_platform.plugins"
# The installed distribution's version is the contract's: one number, in pyproject.toml.
__version__ = metadata.version("crm-hookspecs")

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = [
    "ALL_ROLES",
    "AccessFilter",
    "ActionCall",
    "ENTRY_POINT_GROUP",
    "FIELD_KEY_PATTERN",
    "FIELD_KINDS",
    "PROJECT_NAME",
    "ActivityType",
    "CliCommand",
    "DashboardWidget",
    "DatabaseApp",
    "DemoContact",
    "DemoData",
    "Event",
    "FieldDefinition",
    "Importer",
    "Job",
    "NavItem",
    "NotificationKind",
    "Panel",
    "Permission",
    "PersonalData",
    "PluginInfo",
    "Principal",
    "RecordAction",
    "RecordKind",
    "RecordMerge",
    "RecordTab",
    "RecordWrite",
    "RelationshipType",
    "ReportColumn",
    "ReportDefinition",
    "ReportParameter",
    "ReportQuery",
    "ReportResult",
    "Routes",
    "SearchResult",
    "SearchText",
    "Setting",
    "StaticDir",
    "TemplateDir",
    "TimelineItem",
    "WorkflowAction",
    "ContactRevenue",
    "hookimpl",
    "hookspecs",
]
