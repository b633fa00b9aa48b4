"""How clean the contacts a person may see are: how many have no email, no phone, no owner,
were never contacted, or hold a phone or email that validation would refuse, and
how many duplicate pairs wait for review. One pass over the visible contacts, one count of
the queue: the page costs two statements whatever the database holds."""

from __future__ import annotations

from typing import Any

from crm_hookspecs import Principal

from crm_platform import runtime
from crm_platform.db.engine import SQLiteEngine
from crm_platform.db.raw import fetch
from crm_platform.records import pipeline


def _length(column: str) -> str:
    if isinstance(runtime.current().engine, SQLiteEngine):
        return f"json_array_length(c.{column})"
    return f"json_array_length(c.{column}::json)"


def _any_item_unlike(column: str, key: str, pattern: str) -> str:
    """SQL: some item of the JSON list ``column`` has a ``key`` not LIKE ``pattern``."""
    if isinstance(runtime.current().engine, SQLiteEngine):
        value, items = f"json_extract(e.value, '$.{key}')", f"json_each(c.{column}) e"
    else:
        value, items = f"(e.value ->> '{key}')", f"json_array_elements(c.{column}::json) e"
    return f"EXISTS (SELECT 1 FROM {items} WHERE {value} NOT LIKE '{pattern}')"


async def counts(principal: Principal) -> dict[str, Any]:
    where, args = await pipeline.visibility(principal, "contact", alias="c")
    visible = f"WHERE {' AND '.join(where)}" if where else ""
    # What validation stores is an E.164 number ("+" first) and an address with "@": any
    # other value was written before validation existed, or around it.
    invalid = f"{_any_item_unlike('phones', 'number', '+%')} OR {_any_item_unlike('emails', 'address', '%_@_%')}"
    rows = await fetch(
        "SELECT count(*) AS total, "
        "coalesce(sum(CASE WHEN c.primary_email IS NULL THEN 1 ELSE 0 END), 0) AS no_email, "
        f"coalesce(sum(CASE WHEN {_length('phones')} = 0 THEN 1 ELSE 0 END), 0) AS no_phone, "
        "coalesce(sum(CASE WHEN c.owner IS NULL THEN 1 ELSE 0 END), 0) AS no_owner, "
        "coalesce(sum(CASE WHEN c.last_contacted_at IS NULL THEN 1 ELSE 0 END), 0) AS never_contacted, "
        f"coalesce(sum(CASE WHEN {invalid} THEN 1 ELSE 0 END), 0) AS invalid "
        f"FROM crm_contact c {visible}", *args,
    )
    first_where, first_args = await pipeline.visibility(principal, "contact", alias="a")
    second_where, second_args = await pipeline.visibility(principal, "contact", alias="b")
    conditions = ["p.kind = 'contact'", "p.status = 'pending'", *first_where, *second_where]
    pending = await fetch(
        "SELECT count(*) AS n FROM crm_duplicate_pair p JOIN crm_contact a ON a.id = p.first_id "
        f"JOIN crm_contact b ON b.id = p.second_id WHERE {' AND '.join(conditions)}", *first_args, *second_args,
    )
    return {**rows[0], "duplicates_pending": pending[0]["n"]}
