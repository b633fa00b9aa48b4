"""Conditions: typed comparisons on the record's fields (the operators of custom fields), its
owner or team, its segments (``{"field": "segment", "op": "eq", "value": 3}``: in segment 3;
``"not"``: not in it), in AND/OR groups. ``{}`` is always true."""

from __future__ import annotations

from typing import Any

OPERATORS = ("eq", "not", "in", "contains", "lt", "gt", "between", "empty", "not_empty")
NO_VALUE = ("empty", "not_empty")
MAX_DEPTH = 5
MAX_ITEMS = 50


def check(node: Any, path: str = "conditions", depth: int = 0) -> dict[str, str]:
    """What is wrong with a condition tree, by path (``conditions.all[1].op``)."""
    if node in (None, {}):
        return {}
    if not isinstance(node, dict):
        return {path: "must be an object: {all: [...]}, {any: [...]} or {field, op, value}"}
    if depth > MAX_DEPTH:
        return {path: f"groups may be nested at most {MAX_DEPTH} deep"}
    groups = [key for key in ("all", "any") if key in node]
    if groups:
        items = node[groups[0]]
        if len(groups) > 1 or not isinstance(items, list) or not items:
            return {path: "a group is {all: [conditions]} or {any: [conditions]}, with at least one"}
        if len(items) > MAX_ITEMS:
            return {path: f"a group holds at most {MAX_ITEMS} conditions"}
        errors: dict[str, str] = {}
        for index, item in enumerate(items):
            errors |= check(item, f"{path}.{groups[0]}[{index}]", depth + 1)
        return errors
    field, op = node.get("field"), node.get("op", "eq")
    if not isinstance(field, str) or not field:
        return {f"{path}.field": "name the field to compare (a column, custom.<key>, owner, team or tags)"}
    if op not in OPERATORS:
        return {f"{path}.op": f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}"}
    value = node.get("value")
    if field == "segment":
        if op not in ("eq", "not"):
            return {f"{path}.op": "a segment is eq (in it) or not (not in it)"}
        if not isinstance(value, int) or isinstance(value, bool):
            return {f"{path}.value": "must be a segment id"}
        return {}
    if op in NO_VALUE:
        return {}
    if op in ("in", "between"):
        if not isinstance(value, list) or not value or (op == "between" and len(value) != 2):
            wanted = "two values [low, high]" if op == "between" else "a list of values"
            return {f"{path}.value": f"{op} takes {wanted}"}
    elif value is None or isinstance(value, (dict, list)):
        return {f"{path}.value": f"{op} takes one value"}
    if op in ("lt", "gt", "between"):
        for item in value if isinstance(value, list) else [value]:
            if _number(item) is None and not isinstance(item, str):
                return {f"{path}.value": f"{op} compares numbers, dates or moments"}
    return {}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def _compare_key(value: Any, other: Any) -> tuple[Any, Any]:
    """Numbers compare as numbers; everything else as text without regard to A-Z case (so
    ``YYYY-MM-DD`` dates compare in date order)."""
    left, right = _number(value), _number(other)
    if left is not None and right is not None:
        return left, right
    return str(value).lower(), str(other).lower()


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, list):
        return any(_equal(item, expected) for item in actual)
    left, right = _compare_key(actual, expected)
    return left == right


def segment_ids(node: Any) -> list[int]:
    """The segments a condition tree asks about, so only those are looked up."""
    if not isinstance(node, dict) or node == {}:
        return []
    if "all" in node or "any" in node:
        return list(dict.fromkeys(i for item in node.get("all") or node.get("any") for i in segment_ids(item)))
    return [node["value"]] if node.get("field") == "segment" else []


def value_of(field: str, record: dict[str, Any], facts: dict[str, Any]) -> Any:
    if field == "team":
        return facts.get("owner_team_id")
    if field == "segment":
        return facts.get("segments") or []
    if field.startswith("custom."):
        return (record.get("custom") or {}).get(field.removeprefix("custom."))
    return record.get(field)


def evaluate(node: Any, record: dict[str, Any], facts: dict[str, Any]) -> bool:
    """Whether ``record`` meets the conditions; ``facts`` holds what is not in the record
    (the owner's team)."""
    if node in (None, {}):
        return True
    if "all" in node:
        return all(evaluate(item, record, facts) for item in node["all"])
    if "any" in node:
        return any(evaluate(item, record, facts) for item in node["any"])
    actual = value_of(node["field"], record, facts)
    op, expected = node.get("op", "eq"), node.get("value")
    if op == "empty":
        return _is_empty(actual)
    if op == "not_empty":
        return not _is_empty(actual)
    if op == "eq":
        return not _is_empty(actual) and _equal(actual, expected)
    if op == "not":
        return _is_empty(actual) or not _equal(actual, expected)
    if op == "in":
        return not _is_empty(actual) and any(_equal(actual, item) for item in expected)
    if op == "contains":
        if isinstance(actual, list):
            return _equal(actual, expected)
        return actual is not None and str(expected).lower() in str(actual).lower()
    if _is_empty(actual):
        return False
    if op == "lt":
        left, right = _compare_key(actual, expected)
        return left < right
    if op == "gt":
        left, right = _compare_key(actual, expected)
        return left > right
    low, high = expected
    a, b = _compare_key(actual, low)
    c, d = _compare_key(actual, high)
    return b <= a and c <= d


def explain(node: Any) -> str:
    """The conditions in words, for the workflow's page."""
    if node in (None, {}):
        return "always"
    if "all" in node:
        return " and ".join(f"({explain(item)})" if "any" in item else explain(item) for item in node["all"])
    if "any" in node:
        return " or ".join(f"({explain(item)})" if "all" in item else explain(item) for item in node["any"])
    value = node.get("value")
    if node["field"] == "segment":
        return f"{'not ' if node.get('op') == 'not' else ''}in segment {value}"
    shown = "" if node.get("op") in NO_VALUE else f" {value}"
    return f"{node['field']} {node.get('op', 'eq')}{shown}"
