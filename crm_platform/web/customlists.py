"""What the contact and company lists share about custom fields: the filter row (field,
operator, value), the optional columns, and custom values in CSV exports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crm_hookspecs import FieldDefinition
from litestar import Request

from crm_platform.records import customfields, fieldfilters

# The list's query keys: custom field, operator, value, columns (and the older free-text ``custom``).
QUERY_KEYS = ("custom", "cf", "co", "cv", "cols")
OPERATOR_CHOICES = [
    ("eq", "is"), ("not", "is not"), ("contains", "contains"), ("lt", "less than"), ("gt", "more than"),
    ("between", "between (low,high)"), ("in", "one of (a,b)"), ("empty", "is empty"), ("not_empty", "is not empty"),
]


def sort_choices(columns: Mapping[str, str]) -> list[tuple[str, str]]:
    """The "Sort by" choices of a list: each sortable column one way and the other."""
    choices = []
    for column, (ascending, descending) in columns.items():
        choices += [(column, ascending), (f"-{column}", descending)]
    return choices


def query_value(request: Request, key: str) -> str:
    """A query parameter; the column boxes come once per ticked box and are joined by commas."""
    if key == "cols":
        return ",".join(value.strip() for value in request.query_params.getall("cols", []) if value.strip())[:2000]
    return request.query_params.get(key, "").strip()[:200]


def filter_pairs(query: Mapping[str, str]) -> list[str]:
    """The ``key:operator:value`` filters of a list's query: the filter row's, then any written
    out in ``custom`` (older saved views and links)."""
    pairs = customfields.split_filters(query.get("custom", ""))
    key, operator, value = query.get("cf", ""), query.get("co", "") or "eq", query.get("cv", "")
    if key and (value or operator in fieldfilters.VALUELESS):
        pairs.append(f"{key}:{operator}" if operator in fieldfilters.VALUELESS else f"{key}:{operator}:{value}")
    return pairs


def chosen_columns(query: Mapping[str, str], definitions: Mapping[str, FieldDefinition]) -> list[FieldDefinition]:
    """The custom fields shown as list columns, in the order they are defined."""
    wanted = set(query.get("cols", "").split(","))
    return [definition for key, definition in definitions.items() if key in wanted]


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
