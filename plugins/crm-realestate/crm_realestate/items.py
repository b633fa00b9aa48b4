"""The plugin's items: a record kind the core writes through its one pipeline (checks, audit log,
tags, custom fields, search index, events), and the one list query the plugin writes itself.

Everything here goes through ``crm_platform.toolkit``; SQL names only the plugin's own table.
"""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Permission, Principal, RecordKind
from crm_platform.toolkit import (
    Invalid,
    Sort,
    check_limit,
    encode_cursor,
    execute,
    fetch,
    get_records,
    keyset_condition,
    order_by,
    visibility_sql,
)

from crm_realestate.tables import TITLE_LENGTH, Item

SLUG = "realestate"
KIND_KEY = "realestate.item"
LABEL = "Realestate"
CREATE = Permission(f"{SLUG}.create", f"Add {LABEL} items", roles=("admin", "manager", "member"))
LIST_COLUMNS = "id, title, contact_id, owner, created_at"
NEWEST_FIRST = Sort("id", descending=True)


async def clean(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """The item's own fields, before anything is written; the core checks the owner, the tags
    and the custom fields, and reports their errors together with these."""
    errors: dict[str, str] = {}
    title = " ".join(str(values.get("title") or "").split())
    if not title:
        errors["title"] = "must not be empty"
    elif len(title) > TITLE_LENGTH:
        errors["title"] = f"must be at most {TITLE_LENGTH} characters"
    contact_id = values.get("contact_id")
    # Checked only when it changes, so an item stays editable by someone who cannot see its contact.
    changed = existing is None or contact_id != existing.get("contact_id")
    if contact_id is not None and changed and not await get_records(principal, "contact", [contact_id]):
        errors["contact_id"] = f"contact {contact_id} does not exist or is not visible to you"
    if errors:
        raise Invalid(errors)
    return {**values, "title": title}


KIND = RecordKind(
    key=KIND_KEY, label=LABEL, plural=f"{LABEL} items", table=Item, title_column="title", url="/realestate/{id}",
    audited=("title", "contact_id", "owner", "tags", "custom"), clean=clean, tags=True, custom_fields=True,
)


async def list_items(
    principal: Principal, *, contact_id: int | None = None, limit: int = 50, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the items ``principal`` may see, newest first, and the next page's cursor;
    ``contact_id`` keeps the items about one contact."""
    limit = check_limit(limit)
    conditions, args = await visibility_sql(principal, KIND_KEY)
    if contact_id is not None:
        conditions.append("contact_id = {}")
        args.append(contact_id)
    after, after_args = keyset_condition(NEWEST_FIRST, cursor)
    if after:
        conditions.append(after)
        args += after_args
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetch(
        f"SELECT {LIST_COLUMNS} FROM realestate_item {where} ORDER BY {order_by(NEWEST_FIRST)} LIMIT {limit + 1}", *args
    )
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["id"], rows[-1]["id"])


async def forget_contact(contact_id: int) -> None:
    """The contact was deleted: its items are no longer about anyone. Every item is cleared,
    whoever may edit it, so this is the plugin's own SQL on its own table rather than
    ``update_record`` as the user who deleted the contact; ``contact_id`` is in no search entry."""
    await execute("UPDATE realestate_item SET contact_id = NULL WHERE contact_id = {}", contact_id)
