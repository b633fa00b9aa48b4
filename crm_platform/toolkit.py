"""What plugins may import from the core. Everything else in ``crm_platform`` is private.

The hooks and the types they exchange are in :mod:`crm_hookspecs`; this module offers the
services a plugin's own code needs: the signed-in user in a handler, transactions whose
events are delivered after commit, access checks, the audit log, raw SQL on either engine,
keyset pagination and the search index.
"""

from crm_platform.activities.schemas import ActivityIn
from crm_platform.activities.service import create as log_activity
from crm_platform.audit.service import diff as audit_diff
from crm_platform.audit.service import history as audit_history
from crm_platform.audit.service import record as audit_record
from crm_platform.db.bulk import insert_rows, reserve_ids
from crm_platform.db.raw import drop_indexes, execute, execute_each, fetch, placeholders
from crm_platform.db.unit import UnitOfWork, unit_of_work
from crm_platform.errors import Conflict, CrmError, Forbidden, Invalid, NotFound, invalid
from crm_platform.instance.permissions import has_permission, require_permission
from crm_platform.instance.settings import get_setting as setting
from crm_platform.instance.settings import set_setting
from crm_platform.records.access import can, ensure, visible_owner_ids
from crm_platform.records.pagination import (
    Sort,
    check_limit,
    decode_cursor,
    encode_cursor,
    keyset_condition,
    order_by,
)
from crm_platform.search.index import Entry as SearchEntry
from crm_platform.search.index import remove as search_remove
from crm_platform.search.index import search as search_records
from crm_platform.search.index import upsert as search_upsert
from crm_platform.users.auth import CurrentPrincipal
from crm_platform.web.rendering import csrf_token, render_fragment, render_page

__all__ = [
    "ActivityIn",
    "Conflict",
    "CrmError",
    "CurrentPrincipal",
    "Forbidden",
    "Invalid",
    "NotFound",
    "SearchEntry",
    "Sort",
    "UnitOfWork",
    "audit_diff",
    "audit_history",
    "audit_record",
    "can",
    "check_limit",
    "csrf_token",
    "decode_cursor",
    "drop_indexes",
    "encode_cursor",
    "ensure",
    "execute",
    "execute_each",
    "fetch",
    "has_permission",
    "insert_rows",
    "invalid",
    "keyset_condition",
    "log_activity",
    "order_by",
    "placeholders",
    "render_fragment",
    "render_page",
    "require_permission",
    "reserve_ids",
    "search_records",
    "search_remove",
    "search_upsert",
    "set_setting",
    "setting",
    "unit_of_work",
    "visible_owner_ids",
]
