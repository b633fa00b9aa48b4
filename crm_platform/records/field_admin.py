"""The custom fields admins define, checked, added and removed in one place for the settings
page, ``/api/v1/custom-fields`` and ``crm fields``. Plugins define theirs in code
(``crm_field_definitions``); an admin's field may not take a key a plugin's has.

Removing a definition leaves the values records hold under its key: adding the field again
shows them again."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from crm_hookspecs import FIELD_KEY_PATTERN, FIELD_KINDS, Principal

from crm_platform import runtime
from crm_platform.audit import service as audit
from crm_platform.db.unit import unit_of_work
from crm_platform.errors import Forbidden, Invalid, NotFound
from crm_platform.records import kinds
from crm_platform.records.tables import CustomField

FIELD_KEY = re.compile(FIELD_KEY_PATTERN)
REFERENCES = ("contact", "company")  # what a record field may point to
AUDIT_TYPE = "custom_field"


@dataclass(frozen=True)
class NewField:
    record_type: str
    key: str
    kind: str = "text"
    label: str = ""
    choices: tuple[str, ...] = ()
    reference: str = ""  # a record field's kind pointed to
    required: bool = False
    searchable: bool = False


@dataclass(frozen=True)
class AdminField:
    id: int
    record_type: str
    key: str
    label: str
    kind: str
    choices: list[str] = field(default_factory=list)
    reference: str = ""
    required: bool = False
    searchable: bool = False


def targets() -> dict[str, str]:
    """Kind key → plural of every enabled kind that takes custom fields (contacts, companies,
    plugins' kinds such as properties or orders)."""
    return {kind.key: kind.plural for kind in kinds.active().values() if kind.custom_fields}


def _require_admin(principal: Principal | None) -> None:
    # None: the command line, run by whoever runs the instance.
    if principal is not None and principal.role != "admin":
        raise Forbidden("only admins can define custom fields")


def _shown(row: dict[str, Any]) -> AdminField:
    # A RETURNING row holds the JSON as text; a select with load_json, as a list.
    choices = list((json.loads(row["choices"]) if isinstance(row["choices"], str) else row["choices"]) or [])
    record = row["kind"] == "record"
    return AdminField(id=row["id"], record_type=row["record_type"], key=row["key"], label=row["label"],
                      kind=row["kind"], choices=[] if record else choices,
                      reference=choices[0] if record and choices else "",
                      required=row["required"], searchable=row["searchable"])


async def listed(record_type: str | None = None) -> list[AdminField]:
    query = CustomField.select().order_by(CustomField.record_type).order_by(CustomField.key)
    if record_type:
        query = query.where(CustomField.record_type == record_type)
    return [_shown(row) for row in await query.output(load_json=True)]


def _checked(new: NewField) -> dict[str, Any]:
    """The row to store, or :class:`Invalid` naming every field that is wrong."""
    errors: dict[str, str] = {}
    allowed = targets()
    if new.record_type not in allowed:
        errors["record_type"] = f"must be one of {', '.join(allowed)}"
    if not FIELD_KEY.match(new.key):
        errors["key"] = "lower-case letters, digits and _, starting with a letter"
    if new.kind not in FIELD_KINDS:
        errors["kind"] = f"must be one of {', '.join(FIELD_KINDS)}"
    choices = [choice.strip() for choice in new.choices if choice.strip()]
    if new.kind in ("choice", "multi_choice") and not choices:
        errors["choices"] = "list the choices"
    if len(choices) > 200 or any(len(choice) > 100 for choice in choices):
        errors["choices"] = "at most 200 choices of up to 100 characters each"
    if new.kind == "record":  # the kind it points to is kept as its one choice
        choices = [new.reference]
        if new.reference not in REFERENCES:
            errors["reference"] = f"choose what it points to: {' or '.join(REFERENCES)}"
    label = new.label.strip() or new.key.replace("_", " ").capitalize()
    if len(label) > 100:
        errors["label"] = "at most 100 characters"
    if errors:
        raise Invalid(errors)
    return {"record_type": new.record_type, "key": new.key, "label": label, "kind": new.kind,
            "choices": choices, "required": new.required, "searchable": new.searchable}


async def add(principal: Principal | None, new: NewField) -> AdminField:
    """Define a field; 422 naming what is wrong, or the key when the kind already has it."""
    _require_admin(principal)
    row = _checked(new)
    taken = {(owned.item.record_type, owned.item.key) for owned in
             runtime.current().host.owned("crm_field_definitions", include_disabled=True)}
    async with unit_of_work():
        if (new.record_type, new.key) in taken or await CustomField.exists().where(
                (CustomField.record_type == new.record_type) & (CustomField.key == new.key)):
            raise Invalid({"key": f"{new.record_type} already has a field {new.key}"})
        stored = await CustomField.insert(CustomField(**row)).returning(*CustomField.all_columns())
        added = _shown(stored[0])
        await audit.record(principal.id if principal else None, AUDIT_TYPE, added.id, "created", asdict(added))
    return added


async def remove(principal: Principal | None, field_id: int) -> AdminField:
    """Remove a definition (the values stay on the records, see the module's note)."""
    _require_admin(principal)
    async with unit_of_work():
        rows = await CustomField.delete().where(CustomField.id == field_id).returning(*CustomField.all_columns())
        if not rows:
            raise NotFound("custom field", field_id)
        removed = _shown(rows[0])
        await audit.record(principal.id if principal else None, AUDIT_TYPE, field_id, "deleted", asdict(removed))
    return removed
