"""The fields a row can be mapped to, for any record kind: the kind's own columns (typed by
their Piccolo column), its custom fields (``custom.<key>``), and a few a person would name
in a spreadsheet (``email``, ``phone``, ``domain``) that fill a kind's list columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from crm_hookspecs import FieldDefinition, RecordKind
from piccolo.columns import (
    JSON,
    JSONB,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Numeric,
    Real,
    SmallInt,
    Timestamp,
    Timestamptz,
    Varchar,
)

from crm_platform.records import fieldkinds
from crm_platform.regional import preferences as regional

EXTERNAL_ID = "external_id"
# A contact's company, by name or domain: the import links the contact to it (works at).
COMPANY = "company"
# Columns a person never types: the pipeline and the database keep them.
_NOT_IMPORTED = {"id", "created_at", "updated_at", "custom", "tags", "primary_email", "lifecycle_changed_at",
                 "last_contacted_at", "display_name_sort"}
# Spreadsheet fields that add to a list column: (field, label, column, key of each item).
_LIST_FIELDS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "contact": (
        ("email", "Email", "emails", "address"), ("email_2", "Email 2", "emails", "address"),
        ("email_3", "Email 3", "emails", "address"), ("phone", "Phone", "phones", "number"),
        ("phone_2", "Phone 2", "phones", "number"), ("mobile", "Mobile phone", "phones", "number"),
    ),
    "company": (("domain", "Domain or website", "domains", ""),),
}
_TRUE = {"1", "true", "yes", "y", "x", "ja", "oui", "si"}
_FALSE = {"0", "false", "no", "n", "", "nein", "non"}


@dataclass(frozen=True)
class ImportField:
    """One field a column can fill. ``convert`` turns a cell's text into the value stored
    (raising ``ValueError`` saying what it accepts); ``column`` is where it goes, and a
    list field's value is added to that list column (``item_key`` names its items' text)."""

    name: str
    label: str
    convert: Callable[[str], Any]
    column: str
    is_list: bool = False
    item_key: str = ""
    is_custom: bool = False
    links_company: bool = False


def _integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


def _boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"{text!r} is not yes or no")


def _date(text: str) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date; write it 2024-03-31")


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time; write it 2024-03-31T14:30") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _tags(text: str) -> list[str]:
    return [tag.strip() for tag in re.split(r"[,;|]", text) if tag.strip()]


def _text(text: str) -> str:
    return text.strip()


def _bounded_text(length: int) -> Callable[[str], str]:
    def convert(text: str) -> str:
        text = text.strip()
        if len(text) > length:
            raise ValueError(f"is {len(text)} characters long; at most {length} fit")
        return text

    return convert


def converter(column: Any) -> Callable[[str], Any]:
    """How a cell's text becomes the value of a Piccolo ``column``; text longer than a
    ``Varchar`` holds is an error of its row (PostgreSQL would refuse the whole batch)."""
    if isinstance(column, Varchar):
        return _bounded_text(column.length)
    if isinstance(column, Boolean):
        return _boolean
    if isinstance(column, (Integer, BigInt, SmallInt, ForeignKey)):
        return _integer
    if isinstance(column, (Numeric, Real, DoublePrecision)):
        return _decimal
    if isinstance(column, Date):
        return _date
    if isinstance(column, (Timestamptz, Timestamp)):
        return _moment
    return _text


def _custom_converter(definition: FieldDefinition) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        region = regional.phone_region()
        if definition.kind == "multi_choice":
            # A cell holds every choice, separated as the CSV export writes them ("buyer, seller").
            return fieldkinds.check(definition, [part.strip() for part in re.split(r"[,;]", text) if part.strip()], region)
        return fieldkinds.from_text(definition, text.strip(), region)

    return convert


def importable(kind: RecordKind, definitions: dict[str, FieldDefinition]) -> dict[str, ImportField]:
    """Every field of ``kind`` a column may be mapped to, by name, in the order a form shows them."""
    fields: dict[str, ImportField] = {
        EXTERNAL_ID: ImportField(EXTERNAL_ID, "External id (from the other system)", _text, ""),
    }
    for name, label, column, item_key in _LIST_FIELDS.get(kind.key, ()):
        fields[name] = ImportField(name, label, _text, column, is_list=True, item_key=item_key)
    listed = {column for *_, column, _ in _LIST_FIELDS.get(kind.key, ())}
    if kind.key == "contact":
        fields[COMPANY] = ImportField(COMPANY, "Company (name or domain)", _bounded_text(200), "",
                                      links_company=True)
    for column in kind.table._meta.columns:
        name = column._meta.name
        # Lists and objects have no one-cell spelling; the list fields above cover the usual ones.
        if name in _NOT_IMPORTED or name in listed or isinstance(column, (JSON, JSONB)):
            continue
        if name == kind.owner_column:
            fields[name] = ImportField(name, "Owner (a user's email)", _text, name)
            continue
        fields[name] = ImportField(name, name.replace("_", " ").capitalize(), converter(column), name)
    if kind.tags:
        fields["tags"] = ImportField("tags", "Tags (separated by , or ;)", _tags, "tags")
    for key, definition in sorted(definitions.items()):
        fields[f"custom.{key}"] = ImportField(
            f"custom.{key}", definition.label, _custom_converter(definition), key, is_custom=True
        )
    return fields
