"""List filters on custom fields: ``key:value`` and ``key:operator:value``, as SQL that gives the
same rows on SQLite and PostgreSQL.

Keys are inlined into JSON paths: every key reaching here belongs to a
:class:`~crm_hookspecs.FieldDefinition`, which refuses any key but ``FIELD_KEY_PATTERN``'s.
A stored value of the wrong JSON type (left from a field since redefined) matches as no value
instead of failing the query.
"""

from __future__ import annotations

import decimal
import re
import string
from dataclasses import dataclass
from typing import Any

from crm_hookspecs import FieldDefinition

from crm_platform.records import fieldkinds

OPERATORS = ("eq", "not", "lt", "gt", "between", "in", "contains", "empty", "not_empty")
VALUELESS = ("empty", "not_empty")
_TEXT_OPERATORS = ("eq", "not", "in", "contains", "empty", "not_empty")
_ORDERED_OPERATORS = ("eq", "not", "lt", "gt", "between", "in", "empty", "not_empty")
ALLOWED: dict[str, tuple[str, ...]] = {
    "text": _TEXT_OPERATORS, "long_text": _TEXT_OPERATORS, "email": _TEXT_OPERATORS,
    "phone": _TEXT_OPERATORS, "url": _TEXT_OPERATORS,
    "number": _ORDERED_OPERATORS, "money": _ORDERED_OPERATORS, "date": _ORDERED_OPERATORS,
    "datetime": _ORDERED_OPERATORS,
    "boolean": ("eq", "not", "empty", "not_empty"),
    "choice": ("eq", "not", "in", "empty", "not_empty"),
    "multi_choice": ("eq", "not", "in", "contains", "empty", "not_empty"),
    "record": ("eq", "not", "in", "empty", "not_empty"),
}
# Free text compares without regard to case. Only A-Z fold: SQLite's lower() folds no other
# letters, and PostgreSQL is made to match it so that both engines return the same rows.
_CASELESS_KINDS = ("text", "long_text")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_OPERATOR_WORD = re.compile(r"^[a-z_]+$")
_PAIR_START = re.compile(r"^[a-z][a-z0-9_]*:")


@dataclass(frozen=True)
class Filter:
    """One parsed filter: ``definition`` compared by ``operator`` with ``values`` (stored forms)."""

    definition: FieldDefinition
    operator: str
    values: tuple[Any, ...]


def split_filters(text: str) -> list[str]:
    """Filters written in one text, separated by commas: ``tier:gold,budget:between:1,5``.

    A comma starts a new filter only where ``key:`` follows, so the lists of ``in`` and
    ``between`` stay whole.
    """
    pairs: list[str] = []
    for piece in (piece.strip() for piece in text.split(",")):
        if pairs and not _PAIR_START.match(piece):
            pairs[-1] += "," + piece
        elif piece:
            pairs.append(piece)
    return pairs


def split_operator(rest: str) -> tuple[str, str]:
    """``gt:5`` -> ``("gt", "5")``; ``gold`` -> ``("eq", "gold")``; ``empty`` -> ``("empty", "")``.

    A word before a colon is an operator, so a misspelt one is refused rather than read as
    part of the value; write ``eq:`` before a value that itself starts with ``word:``
    (a URL's ``https://`` is recognised as a value).
    """
    if rest in VALUELESS:
        return rest, ""
    word, sep, value = rest.partition(":")
    if sep and _OPERATOR_WORD.match(word) and not value.startswith("//"):
        return word, value
    return "eq", rest


def parse(definition: FieldDefinition, operator: str, raw: str, region: str) -> Filter:
    """Check ``operator`` applies to the field's kind and read ``raw`` as that kind's values."""
    kind = definition.kind
    if operator not in OPERATORS:
        raise ValueError(
            f"unknown operator {operator!r}; use one of {', '.join(ALLOWED[kind])} "
            "(write key:eq:value for a value holding a colon)"
        )
    if operator not in ALLOWED[kind]:
        raise ValueError(f"{kind} fields do not take {operator}; use one of {', '.join(ALLOWED[kind])}")
    if operator in VALUELESS:
        return Filter(definition, operator, ())
    if operator == "contains" and kind != "multi_choice":
        if not raw:
            raise ValueError("contains needs some text to look for")
        return Filter(definition, operator, (raw.translate(_ASCII_LOWER),))
    parts = raw.split(",") if operator in ("in", "between") else [raw]
    if operator == "between" and len(parts) != 2:
        raise ValueError("between takes two values, low and high: key:between:LOW,HIGH")
    values = tuple(fieldkinds.from_text(definition, part.strip(), region) for part in parts)
    if kind in _CASELESS_KINDS:
        values = tuple(value.translate(_ASCII_LOWER) for value in values)
    return Filter(definition, operator, values)


# --- SQL --------------------------------------------------------------------------------------


class _Sql:
    """The expressions of one field's stored value on one engine."""

    def __init__(self, key: str, sqlite: bool) -> None:
        self.sqlite = sqlite
        if sqlite:
            path = f"'$.\"{key}\"'"
            self.type = f"json_type(custom, {path})"
            self.value = f"json_extract(custom, {path})"
        else:
            self.json = f"(custom::jsonb -> '{key}')"
            self.type = f"jsonb_typeof({self.json})"
            self.value = f"(custom::jsonb ->> '{key}')"

    def typed(self, kind: str) -> str:
        """The stored value if it has the kind's JSON type, else NULL."""
        if kind in fieldkinds.NUMERIC_KINDS:
            if self.sqlite:
                return f"(CASE WHEN {self.type} IN ('integer', 'real') THEN {self.value} END)"
            return f"(CASE WHEN {self.type} = 'number' THEN {self.value}::numeric END)"
        if kind == "boolean":  # compared as 'true' / 'false'
            if self.sqlite:
                return f"(CASE WHEN {self.type} IN ('true', 'false') THEN {self.type} END)"
            return f"(CASE WHEN {self.type} = 'boolean' THEN {self.value} END)"
        string_type = "text" if self.sqlite else "string"
        return f"(CASE WHEN {self.type} = '{string_type}' THEN {self.value} END)"

    def folded(self, expression: str) -> str:
        if self.sqlite:
            return f"lower({expression})"
        return f"translate({expression}, '{string.ascii_uppercase}', '{string.ascii_lowercase}')"

    def ordered(self, expression: str, kind: str) -> str:
        # Byte order on both engines: PostgreSQL's default collation may weigh '-' and ':' apart.
        return expression if self.sqlite or kind in fieldkinds.NUMERIC_KINDS else f'{expression} COLLATE "C"'

    def elements(self) -> str:
        """A row per element of a multi-choice value (none unless it is an array)."""
        if self.sqlite:
            return f"json_each(CASE WHEN {self.type} = 'array' THEN {self.value} ELSE '[]' END)"
        return f"jsonb_array_elements_text(CASE WHEN {self.type} = 'array' THEN {self.json} ELSE '[]'::jsonb END)"

    def empty(self) -> str:
        if self.sqlite:
            return (
                f"(COALESCE({self.type}, 'null') = 'null' OR ({self.type} = 'text' AND {self.value} = '') "
                f"OR ({self.type} = 'array' AND {self.value} = '[]'))"
            )
        return f"(COALESCE({self.type}, 'null') = 'null' OR {self.json} IN ('\"\"'::jsonb, '[]'::jsonb))"


def _bound(value: Any, kind: str, sqlite: bool) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind in fieldkinds.NUMERIC_KINDS and not sqlite:
        return decimal.Decimal(str(value))  # compared with a numeric
    return value


def to_sql(item: Filter, sqlite: bool) -> tuple[str, list[Any]]:
    """A WHERE fragment with ``{}`` placeholders, and its arguments."""
    kind, operator = item.definition.kind, item.operator
    sql = _Sql(item.definition.key, sqlite)
    args = [_bound(value, kind, sqlite) for value in item.values]
    marks = ", ".join("{}" for _ in args)
    if operator == "empty":
        return sql.empty(), []
    if operator == "not_empty":
        return f"NOT {sql.empty()}", []
    if kind == "multi_choice":
        has = f"EXISTS (SELECT 1 FROM {sql.elements()} AS chosen(value) WHERE chosen.value IN ({marks}))"
        if sqlite:
            has = f"EXISTS (SELECT 1 FROM {sql.elements()} WHERE value IN ({marks}))"
        return (f"NOT {has}" if operator == "not" else has), args
    typed = sql.typed(kind)
    if operator == "contains":
        position = "instr({}, {{}})" if sqlite else "strpos({}, {{}})"
        return f"{position.format(sql.folded(typed))} > 0", args
    if kind in _CASELESS_KINDS:
        typed = sql.folded(typed)
    if operator == "eq":
        return f"{typed} = {{}}", args
    if operator == "not":  # a record without the field is "not gold" too
        return f"({typed} IS NULL OR {typed} <> {{}})", args
    if operator == "in":
        return f"{typed} IN ({marks})", args
    ordered = sql.ordered(typed, kind)
    if operator == "between":
        return f"{ordered} BETWEEN {{}} AND {{}}", args
    return f"{ordered} {'<' if operator == 'lt' else '>'} {{}}", args
