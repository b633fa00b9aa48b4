"""The deal form of the pages, for a new deal and an edited one: what it posts, read back into
the API's bodies, and what it shows (the pickers' current company and contacts, named through
the visibility rule).

The company and the contacts are picked with the core's record picker (``/search/pick``):
the company as a radio ``company_pick``, contacts to add as checkboxes ``add_contact`` with
one role for them all; contacts already on the deal are rows with a role each and a box to
remove them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

import msgspec
from crm_hookspecs import Principal

from crm_platform.toolkit import (
    Invalid,
    get_records,
    get_relationships,
    list_users,
    parse_amount,
    regional_preferences,
)
from crm_sales.deals import HIDDEN_NAME
from crm_sales.pipelines import get_stage, list_pipelines
from crm_sales.tables import CONTACT_ROLES

TEXT_FIELDS = ("title", "amount", "currency", "expected_close_date", "owner_id", "stage_id", "lost_reason")
T = TypeVar("T")
ROLE_CHOICES = [(role, role.replace("_", " ").capitalize()) for role in CONTACT_ROLES]


def _picked_id(raw: str | None, kind: str) -> int | None:
    """The id of a picker's ``kind:id`` value (a bare id is accepted too)."""
    text = (raw or "").strip()
    if text.startswith(f"{kind}:"):
        text = text[len(kind) + 1 :]
    return int(text) if text.isdecimal() else None


def read(form: Any) -> dict[str, Any]:
    """The form's values: the text fields as typed, ``company_id`` and ``contacts``
    (``[{"contact_id", "role"}]``, rows kept first, then the ones added)."""
    values: dict[str, Any] = {name: (form.get(name) or "").strip() for name in TEXT_FIELDS}
    values["company_id"] = _picked_id(form.get("company_pick"), "company")
    removed = {_picked_id(raw, "contact") for raw in form.getall("remove_contact", [])}
    contacts: list[dict[str, Any]] = []
    for raw in form.getall("contact", []):
        contact_id = _picked_id(raw, "contact")
        if contact_id is not None and contact_id not in removed:
            contacts.append({"contact_id": contact_id, "role": form.get(f"role_{contact_id}") or "other"})
    add_role = form.get("add_role") or "other"
    for raw in form.getall("add_contact", []):
        contact_id = _picked_id(raw, "contact")
        if contact_id is not None and all(item["contact_id"] != contact_id for item in contacts):
            contacts.append({"contact_id": contact_id, "role": add_role})
    values["contacts"] = contacts
    return values


def date(raw: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Invalid({"expected_close_date": "must be a date written YYYY-MM-DD"}) from None


async def chosen_stage(raw: str) -> dict[str, Any] | None:
    """The stage the form names, ``None`` when it names none; a stage that does not exist is
    an error rather than the default."""
    if not raw:
        return None
    stage = await get_stage(int(raw)) if raw.isdecimal() else None
    if stage is None:
        raise Invalid({"stage_id": f"stage {raw} does not exist"})
    return stage


def owner(raw: str) -> int | None:
    return int(raw) if raw.isdecimal() else None


async def prefill(principal: Principal, contact_id: int | None, company_id: int | None) -> dict[str, Any]:
    """A new deal's company and contact from the page it was started on: a contact's page
    gives the contact and the company it works at, a company's page the company."""
    values: dict[str, Any] = {"company_id": None, "contacts": []}
    if contact_id is not None and await get_records(principal, "contact", [contact_id]):
        values["contacts"] = [{"contact_id": contact_id, "role": "other"}]
        works_at = await get_relationships(principal, "contact", contact_id, "works_at", limit=10)
        employers = [row["target_id"] for row in works_at
                     if (row["source_type"], row["source_id"], row["target_type"]) == ("contact", contact_id, "company")]
        values["company_id"] = employers[0] if employers else None
    if company_id is not None and await get_records(principal, "company", [company_id]):
        values["company_id"] = company_id
    return values


async def context(principal: Principal, values: dict[str, Any], *, closing: bool) -> dict[str, Any]:
    """What the form template needs besides ``values``: the choices, and the picked company and
    contacts with the names the user may see (others are shown as hidden)."""
    contacts = values.get("contacts") or []
    people = await get_records(principal, "contact", [item["contact_id"] for item in contacts])
    rows = [
        item | {"display_name": people[item["contact_id"]]["display_name"] if item["contact_id"] in people else HIDDEN_NAME}
        for item in contacts
    ]
    company = None
    if values.get("company_id") is not None:
        found = await get_records(principal, "company", [values["company_id"]])
        name = found[values["company_id"]]["name"] if found else HIDDEN_NAME
        company = {"id": values["company_id"], "name": name}
    return {
        "contact_rows": rows, "company": company, "role_choices": ROLE_CHOICES,
        "stage_groups": _stage_groups(await list_pipelines(), closing),
        "owner_choices": [(user["id"], user["display_name"]) for user in await list_users()],
    }


def _stage_groups(pipelines: list[dict[str, Any]], closing: bool) -> list[tuple[str, list[tuple[int, str]]]]:
    """Stages by pipeline for one select; a new deal starts in an open stage."""
    return [
        (pipeline["name"], [(stage["id"], stage["name"]) for stage in pipeline["stages"] if closing or stage["kind"] == "open"])
        for pipeline in pipelines
    ]


def body(struct_type: type[T], data: dict[str, Any]) -> T:
    """``data`` as the API's body would be checked (lengths, numbers), so a form gets the
    same 422 naming the field instead of a value the database refuses."""
    try:
        return msgspec.convert(data, struct_type, strict=False)
    except msgspec.ValidationError as error:
        message, _, where = str(error).partition(" - at `$.")
        field = where.rstrip("`").split("[")[0].split(".")[0] if where else "form"
        raise Invalid({field or "form": message}) from None


def amount(text: str) -> Decimal:
    """The amount as the user typed it, in their number format ("1,200.50" or "1.200,50")."""
    if not text.strip():
        return Decimal(0)
    try:
        return parse_amount(text, regional_preferences())
    except ValueError as error:
        raise Invalid({"amount": str(error)}) from None
