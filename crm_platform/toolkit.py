"""What plugins may import from the core. Everything else in ``crm_platform`` is private.

The hooks and the types they exchange are in :mod:`crm_hookspecs`; this module offers the
services a plugin's own code needs: records of every kind through the one write pipeline,
reads of the core's records, activities and users, the signed-in user in a handler,
transactions whose events are delivered after commit, access checks, settings and
permissions, jobs and the clock, notifications and email, the audit log, raw SQL on the plugin's own tables, keyset
pagination, the search index and what reports count over. Versioned with ``crm-platform`` (CHANGELOG.md).
"""

from crm_platform.activities.reads import (
    create_task,
    last_activity_at,
    log_activities,
    open_task_counts,
    record_timeline,
)
from crm_platform.activities.schemas import ActivityIn
from crm_platform.activities.service import create as log_activity
from crm_platform.activities.service import get_activities
from crm_platform.audit.service import diff as audit_diff
from crm_platform.audit.service import history as audit_history
from crm_platform.audit.service import record as audit_record
from crm_platform.catalogue import event_classes, record_kinds, workflow_actions
from crm_platform.cli._context import acting_user as command_user
from crm_platform.cli._context import run as run_command
from crm_platform.clock import now
from crm_platform.contacts.lookup import ids_by_email as contact_ids_by_email
from crm_platform.db.bulk import insert_rows, reserve_ids
from crm_platform.db.raw import drop_indexes, execute, execute_each, fetch, placeholders
from crm_platform.db.unit import UnitOfWork, delivery_cache, unit_of_work
from crm_platform.errors import Conflict, CrmError, Forbidden, Invalid, NotFound, Skip, invalid
from crm_platform.identities.service import Identity
from crm_platform.identities.service import add as add_identities
from crm_platform.identities.service import find_contacts as contacts_by_identity
from crm_platform.identities.service import normalise as normalise_identity
from crm_platform.identities.service import of_contacts as identities_of
from crm_platform.identities.service import remove as remove_identity
from crm_platform.imports.public import commit_import, dry_run_import, get_import, import_ledger, start_import
from crm_platform.instance.permissions import has_permission, require_permission
from crm_platform.instance.sealing import UnreadableSecret, decrypt_secret, encrypt_secret
from crm_platform.instance.settings import get_setting as setting
from crm_platform.instance.settings import set_setting
from crm_platform.jobs.runner import enqueue
from crm_platform.mail.config import email_enabled
from crm_platform.mail.outbox import deliver_now as deliver_emails
from crm_platform.mail.outbox import send_email, sender_domain
from crm_platform.notifications.service import notify
from crm_platform.privacy.consents import ledger as consent_ledger
from crm_platform.privacy.consents import record as record_consent
from crm_platform.records.access import can, ensure, visible_owner_ids
from crm_platform.records.customfields import definitions as field_definitions
from crm_platform.records.detach import detach as detach_links
from crm_platform.records.matching import RecordFilter, count_records, list_records
from crm_platform.records.pagination import (
    Sort,
    check_limit,
    decode_cursor,
    encode_cursor,
    keyset_condition,
    keyset_page,
    order_by,
)
from crm_platform.records.pipeline import create as create_record
from crm_platform.records.pipeline import create_many as create_records
from crm_platform.records.pipeline import delete as delete_record
from crm_platform.records.pipeline import ensure_visible
from crm_platform.records.pipeline import read_many as get_records
from crm_platform.records.pipeline import read_one as get_record
from crm_platform.records.pipeline import update as update_record
from crm_platform.records.pipeline import visibility as visibility_sql
from crm_platform.regional.formatting import format_amount, format_number, parse_amount
from crm_platform.regional.preferences import Regional as RegionalPreferences
from crm_platform.regional.preferences import current as regional_preferences
from crm_platform.regional.preferences import for_user as regional_preferences_for
from crm_platform.relationships.service import of_record as get_relationships
from crm_platform.relationships.service import of_records as get_relationships_of
from crm_platform.reports.measures import measure as report_measure
from crm_platform.reports.measures import rate as report_rate
from crm_platform.reports.periods import day_sql, month_sql, week_of
from crm_platform.reports.scope import report_scope
from crm_platform.search.index import Entry as SearchEntry
from crm_platform.search.index import remove as search_remove
from crm_platform.search.index import search as search_records
from crm_platform.search.index import upsert as search_upsert
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.users.reads import get_users, list_teams, list_users
from crm_platform.users.service import principal_for_user_id as principal_for
from crm_platform.web.csv_export import csv_document, spreadsheet_safe
from crm_platform.web.forms import custom_inputs
from crm_platform.web.plugin_slots import record_slots
from crm_platform.web.ratelimit import attempt_limiter
from crm_platform.web.rendering import csrf_token, render_fragment, render_page
from crm_platform.web.rendering import zone_of as user_zone
from crm_platform.web.undo import offer_notice, offer_undo

__all__ = [
    "ActivityIn",
    "Conflict",
    "CrmError",
    "CurrentPrincipal",
    "Forbidden",
    "Identity",
    "Invalid",
    "NotFound",
    "RecordFilter",
    "SearchEntry",
    "Skip",
    "Sort",
    "UnitOfWork",
    "UnreadableSecret",
    "attempt_limiter",
    "add_identities",
    "audit_diff",
    "audit_history",
    "audit_record",
    "can",
    "command_user",
    "check_limit",
    "contact_ids_by_email",
    "count_records",
    "commit_import",
    "contacts_by_identity",
    "create_record",
    "create_records",
    "create_task",
    "csrf_token",
    "csv_document",
    "day_sql",
    "decode_cursor",
    "decrypt_secret",
    "delete_record",
    "deliver_emails",
    "detach_links",
    "drop_indexes",
    "dry_run_import",
    "email_enabled",
    "encrypt_secret",
    "encode_cursor",
    "enqueue",
    "event_classes",
    "ensure",
    "ensure_visible",
    "execute",
    "execute_each",
    "fetch",
    "get_activities",
    "get_import",
    "get_record",
    "get_records",
    "get_relationships",
    "get_relationships_of",
    "get_users",
    "has_permission",
    "identities_of",
    "import_ledger",
    "insert_rows",
    "invalid",
    "keyset_condition",
    "keyset_page",
    "last_activity_at",
    "list_teams",
    "list_users",
    "list_records",
    "log_activities",
    "log_activity",
    "month_sql",
    "normalise_identity",
    "notify",
    "now",
    "offer_undo",
    "order_by",
    "placeholders",
    "principal_for",
    "record_timeline",
    "remove_identity",
    "render_fragment",
    "render_page",
    "report_measure",
    "report_rate",
    "report_scope",
    "require_permission",
    "record_kinds",
    "reserve_ids",
    "run_command",
    "search_records",
    "search_remove",
    "search_upsert",
    "send_email",
    "sender_domain",
    "set_setting",
    "setting",
    "spreadsheet_safe",
    "start_import",
    "unit_of_work",
    "update_record",
    "user_zone",
    "custom_inputs",
    "field_definitions",
    "visibility_sql",
    "visible_owner_ids",
    "week_of",
    "workflow_actions",
    "RegionalPreferences",
    "regional_preferences",
    "regional_preferences_for",
    "format_amount",
    "format_number",
    "parse_amount",
    "offer_notice",
    "record_slots",
    "open_task_counts",
    "record_consent",
    "consent_ledger",
    "delivery_cache",
]
