"""Clinical notes: a record kind whose content (``body``) only holders of ``healthcare.clinical``
read or write. Everyone who may see a note (its owner, their team, those who see everything)
sees that it exists: its category, its patient, its author and when it was written, never the
content. The content is kept out of the audit log's values and of the search index."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Permission, Principal, RecordKind, SearchText
from crm_platform.toolkit import (
    Forbidden,
    Invalid,
    Sort,
    check_limit,
    encode_cursor,
    fetch,
    get_records,
    has_permission,
    keyset_condition,
    order_by,
    visibility_sql,
)

from crm_healthcare.tables import Note

KIND_KEY = "healthcare.note"
CLINICAL = Permission("healthcare.clinical", "Read and write the content of clinical notes", roles=())
CATEGORIES = ("consultation", "follow_up", "referral", "result", "other")
BODY_LIMIT = 20_000
NEWEST_FIRST = Sort("id", descending=True)
LIST_COLUMNS = "id, category, patient_id, owner, created_at, updated_at"


async def may_read_content(principal: Principal) -> bool:
    return await has_permission(principal, CLINICAL.key)


async def clean(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """The note's own fields. Writing a note at all writes clinical content, so it takes
    ``healthcare.clinical`` (403 otherwise, naming the permission)."""
    if not await may_read_content(principal):
        raise Forbidden("writing a clinical note needs the permission healthcare.clinical")
    errors: dict[str, str] = {}
    if values.get("category") not in CATEGORIES:
        errors["category"] = f"must be one of {', '.join(CATEGORIES)}"
    body = str(values.get("body") or "").strip()
    if not body:
        errors["body"] = "must not be empty"
    elif len(body) > BODY_LIMIT:
        errors["body"] = f"must be at most {BODY_LIMIT} characters"
    patient_id = values.get("patient_id")
    changed = existing is None or patient_id != existing.get("patient_id")
    if patient_id is None:
        errors["patient_id"] = "name the patient (a contact id)"
    elif changed and not await get_records(principal, "contact", [patient_id]):
        errors["patient_id"] = f"contact {patient_id} does not exist or is not visible to you"
    if errors:
        raise Invalid(errors)
    return {**values, "body": body}


def search_text(row: dict[str, Any]) -> SearchText:
    """Search finds that a note exists, by its category; never by what it says."""
    return SearchText(title="Clinical note", subtitle=str(row.get("category") or ""))


KIND = RecordKind(
    key=KIND_KEY, label="Clinical note", plural="Clinical notes", table=Note, title_column="category",
    url="/healthcare/notes/{id}", audited=("category", "patient_id", "owner", "tags"), search=search_text,
    clean=clean, tags=True,
)


def note_out(row: dict[str, Any], content: bool) -> dict[str, Any]:
    """A note as a user sees it: ``body`` is ``None`` and ``content_hidden`` true for those who
    may not read clinical content."""
    return {
        "id": row["id"], "category": row["category"], "patient_id": row["patient_id"], "owner_id": row["owner"],
        "body": row.get("body") if content else None, "content_hidden": not content,
        "created_at": row["created_at"], "updated_at": row["updated_at"],
    }


async def list_notes(
    principal: Principal, *, patient_id: int | None = None, limit: int = 50, cursor: str | None = None,
    with_body: bool = False,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the notes ``principal`` may see, newest first; ``with_body`` reads the
    content too (only for holders of ``healthcare.clinical``)."""
    limit = check_limit(limit)
    conditions, args = await visibility_sql(principal, KIND_KEY)
    if patient_id is not None:
        conditions.append("patient_id = {}")
        args.append(patient_id)
    after, after_args = keyset_condition(NEWEST_FIRST, cursor)
    if after:
        conditions.append(after)
        args += after_args
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    columns = LIST_COLUMNS + (", body" if with_body else "")
    rows = await fetch(
        f"SELECT {columns} FROM healthcare_note {where} ORDER BY {order_by(NEWEST_FIRST)} LIMIT {limit + 1}", *args
    )
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["id"], rows[-1]["id"])
