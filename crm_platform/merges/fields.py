"""Which fields a merge form offers per kind, and the values a set of choices produces."""

from __future__ import annotations

from typing import Any

from crm_platform.errors import Invalid

# The fields a person chooses between, in form order; ``custom.<key>`` are added per record.
FIELDS: dict[str, tuple[str, ...]] = {
    "contact": ("given_name", "family_name", "display_name", "emails", "phones", "job_title",
                "lifecycle_stage", "owner", "source", "tags"),
    "company": ("name", "domains", "industry", "size", "parent", "owner", "tags"),
}
# Lists may also keep the items of both records (the default), the survivor's first.
LISTS = frozenset({"emails", "phones", "domains", "tags"})
CHOICES = ("survivor", "other", "both")


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _union(first: list[Any], second: list[Any]) -> list[Any]:
    seen: list[Any] = list(first)
    for item in second:
        if item not in seen:
            seen.append(item)
    return seen


def field_names(kind: str, survivor: dict[str, Any], other: dict[str, Any]) -> list[str]:
    custom = sorted(set(survivor.get("custom") or {}) | set(other.get("custom") or {}))
    return [*FIELDS[kind], *(f"custom.{key}" for key in custom)]


def value_of(record: dict[str, Any], name: str) -> Any:
    if name.startswith("custom."):
        return (record.get("custom") or {}).get(name.removeprefix("custom."))
    return record.get(name)


def default_choice(name: str, survivor: dict[str, Any], other: dict[str, Any]) -> str:
    """Lists keep both; other fields keep the survivor's value unless it is empty."""
    if name in LISTS:
        return "both"
    return "other" if _empty(value_of(survivor, name)) and not _empty(value_of(other, name)) else "survivor"


def merged_values(
    kind: str, survivor: dict[str, Any], other: dict[str, Any], choices: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The survivor's fields that the merge changes (``custom`` the keys that change, ``None``
    removing one) and
    the choice made for each field; :class:`Invalid` names a choice that is not offered."""
    names = field_names(kind, survivor, other)
    errors = {
        f"choices.{name}": f"unknown field; choose among {', '.join(names)}" for name in choices if name not in names
    }
    made: dict[str, str] = {}
    for name in names:
        choice = choices.get(name) or default_choice(name, survivor, other)
        allowed = CHOICES if name in LISTS else CHOICES[:2]
        if choice not in allowed:
            errors[f"choices.{name}"] = f"must be one of {', '.join(allowed)}"
        made[name] = choice
    if errors:
        raise Invalid(errors)
    changes: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for name, choice in made.items():
        mine, theirs = value_of(survivor, name), value_of(other, name)
        value = mine if choice == "survivor" else theirs if choice == "other" else _union(mine or [], theirs or [])
        if value == mine:
            continue
        if name.startswith("custom."):
            custom[name.removeprefix("custom.")] = value  # None removes it
        else:
            changes[name] = value
    if custom:
        changes["custom"] = custom
    if kind == "company" and changes.get("parent", survivor["parent"]) in (survivor["id"], other["id"]):
        # One was the other's parent: a company cannot be its own.
        changes["parent"] = None
    return changes, made
