"""The core's Piccolo app: its tables and migrations."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from crm_platform.activities.tables import Activity, ActivityLink
from crm_platform.audit.tables import AuditEntry
from crm_platform.bulk.tables import BulkRun
from crm_platform.companies.tables import Company
from crm_platform.contacts.tables import Contact, LifecycleChange
from crm_platform.identities.tables import ContactIdentity
from crm_platform.imports.tables import ImportKey, ImportRow, ImportRun
from crm_platform.instance.tables import PluginState, SettingValue
from crm_platform.jobs.tables import JobRun
from crm_platform.mail.tables import OutboundEmail
from crm_platform.merges.tables import DuplicatePair, DuplicateScan, Merge
from crm_platform.notifications.tables import Notification, NotificationPreference
from crm_platform.outbox.tables import OutboxDelivery, OutboxEvent
from crm_platform.privacy.tables import Consent
from crm_platform.records.tables import CustomField, SavedView, Tagging
from crm_platform.relationships.tables import Relationship
from crm_platform.reports.tables import (
    ActivityDay,
    ActivityTally,
    ContactDay,
    ContactTally,
    Dashboard,
    ReportSchedule,
    SavedReport,
)
from crm_platform.trash.tables import TrashEntry
from crm_platform.users.tables import ApiToken, Team, User, UserInvite

APP_CONFIG = AppConfig(
    app_name="crm",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Team,
        User,
        ApiToken,
        Contact,
        LifecycleChange,
        Company,
        Relationship,
        Activity,
        ActivityLink,
        AuditEntry,
        Tagging,
        CustomField,
        SavedView,
        PluginState,
        SettingValue,
        JobRun,
        Notification,
        NotificationPreference,
        OutboundEmail,
        UserInvite,
        ImportRun,
        ImportRow,
        ImportKey,
        TrashEntry,
        Merge,
        DuplicateScan,
        DuplicatePair,
        Dashboard,
        ReportSchedule,
        SavedReport,
        ActivityDay,
        ActivityTally,
        ContactDay,
        ContactTally,
        ContactIdentity,
        BulkRun,
        Consent,
        OutboxEvent,
        OutboxDelivery,
    ],
)
