"""Triggers: every event class of the contract and of the enabled plugins, and which record
an event is about. Nothing here names a plugin's events: a plugin that defines a new event
class offers a new trigger."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from typing import Any

from crm_hookspecs import Event

from crm_automation import timed
from crm_platform.toolkit import event_classes, record_kinds

# Filters a trigger may add to its event class; each applies only where the event has it.
FILTERS = ("kind", "field", "from", "to", "activity_type")
# ``where`` compares the event's own fields: {"stage_to_id": 12} for a deal moved to stage 12.
WHERE = "where"
# Events the core sends beside the generic Record* ones; a workflow listens to the generic ones.
_DUPLICATES = {"ContactCreated", "ContactUpdated", "ContactDeleted", "CompanyCreated", "CompanyUpdated",
               "CompanyDeleted"}


def _label(name: str) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    return words[:1].upper() + words[1:]


def event_fields(cls: type[Event]) -> list[str]:
    return [field.name for field in dataclasses.fields(cls) if field.name != "actor_id"]


def catalogue() -> list[dict[str, Any]]:
    """The triggers a workflow may choose from, with the filters each event class takes."""
    found = []
    for cls in event_classes():
        if cls is Event or cls.__name__ in _DUPLICATES:
            continue
        fields = event_fields(cls)
        filters = ["kind"] if "kind" in fields or _id_kind(fields) else []
        if "changes" in fields:
            filters += ["field", "from", "to"]
        if cls.__name__ == "ActivityLogged":
            filters.append("activity_type")
        found.append({"event": cls.__name__, "label": _label(cls.__name__), "module": cls.__module__,
                      "fields": fields, "filters": filters})
    return found + timed.catalogue()


def find(name: str) -> type[Event] | None:
    return next((cls for cls in event_classes() if cls.__name__ == name), None)


def _id_kind(fields: list[str]) -> tuple[str, str] | None:
    """``(kind key, field)`` for the first ``<thing>_id`` field naming a record kind
    (``deal_id`` names ``sales.deal``, ``contact_id`` names ``contact``)."""
    keys = [kind.key for kind in record_kinds()]
    for name in fields:
        if not name.endswith("_id") or name == "actor_id":
            continue
        thing = name.removesuffix("_id")
        for key in keys:
            if key == thing or key.endswith(f".{thing}"):
                return key, name
    return None


def subject(event: Event) -> tuple[str, int | None]:
    """The record an event is about: ``(kind, id)``, or ``("", None)``."""
    if isinstance(getattr(event, "kind", None), str) and isinstance(getattr(event, "record_id", None), int):
        return event.kind, event.record_id
    found = _id_kind(event_fields(type(event)))
    if found:
        return found[0], getattr(event, found[1])
    return "", None


def _change(changes: dict[str, Any], field: str) -> tuple[bool, Any, Any]:
    if field.startswith("custom."):
        custom = changes.get("custom")
        if not isinstance(custom, dict):
            return False, None, None
        key = field.removeprefix("custom.")
        before = (custom.get("from") or {}).get(key)
        after = (custom.get("to") or {}).get(key)
        return before != after, before, after
    if field not in changes:
        return False, None, None
    change = changes[field]
    if isinstance(change, dict) and {"from", "to"} <= change.keys():
        return True, change["from"], change["to"]
    return True, None, change


def _same(expected: Any, actual: Any) -> bool:
    return str(expected).strip().lower() == ("" if actual is None else str(actual)).strip().lower()


def matches(trigger: dict[str, Any], event: Event) -> bool:
    """Whether ``event`` fires a workflow whose trigger is ``trigger``."""
    if trigger.get("event") != type(event).__name__:
        return False
    if trigger.get("kind") and subject(event)[0] != trigger["kind"]:
        return False
    if trigger.get("activity_type") and getattr(event, "type", None) != trigger["activity_type"]:
        return False
    for name, expected in (trigger.get(WHERE) or {}).items():
        if not _same(expected, getattr(event, name, None)):
            return False
    field = trigger.get("field")
    if field:
        changed, before, after = _change(getattr(event, "changes", {}) or {}, field)
        if not changed:
            return False
        if trigger.get("from") not in (None, "") and not _same(trigger["from"], before):
            return False
        if trigger.get("to") not in (None, "") and not _same(trigger["to"], after):
            return False
    return True


def check(trigger: Any) -> dict[str, str]:
    """What is wrong with a trigger, by path (``trigger.event``)."""
    if not isinstance(trigger, dict):
        return {"trigger": "must be an object with an event"}
    if timed.is_timed(trigger):
        return timed.check(trigger)
    errors: dict[str, str] = {}
    unknown = sorted(set(trigger) - {"event", WHERE, *FILTERS})
    if unknown:
        errors[f"trigger.{unknown[0]}"] = f"unknown filter; a trigger takes {', '.join(('event', *FILTERS, WHERE))}"
    name = trigger.get("event")
    entry = next((item for item in catalogue() if item["event"] == name), None)
    if entry is None:
        known = ", ".join(item["event"] for item in catalogue())
        errors["trigger.event"] = f"unknown event {name!r}; choose one of {known}"
        return errors
    for key in FILTERS:
        value = trigger.get(key)
        if value in (None, ""):
            continue
        if key not in entry["filters"]:
            errors[f"trigger.{key}"] = f"{name} cannot be filtered by {key}"
        elif not isinstance(value, str) or len(value) > 200:
            errors[f"trigger.{key}"] = "must be text of at most 200 characters"
    where = trigger.get(WHERE)
    if where is not None:
        if not isinstance(where, dict):
            errors["trigger.where"] = "must be an object of the event's fields and the values they must have"
        else:
            for name, value in where.items():
                if name not in entry["fields"]:
                    errors[f"trigger.where.{name}"] = f"{entry['event']} has no field {name!r}; it has " + ", ".join(
                        entry["fields"])
                elif not isinstance(value, (str, int, float, bool)):
                    errors[f"trigger.where.{name}"] = "must be text, a number or true/false"
    kind = trigger.get("kind")
    if kind and "trigger.kind" not in errors and kind not in {k.key for k in record_kinds()}:
        errors["trigger.kind"] = f"unknown record kind {kind!r}"
    if (trigger.get("from") or trigger.get("to")) and not trigger.get("field"):
        errors["trigger.field"] = "name the field whose change from/to the trigger waits for"
    return errors


def payload(event: Event) -> dict[str, Any]:
    """The event's fields as JSON values, kept on the run."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set)):
            return [plain(v) for v in value]
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return str(value)

    return {field.name: plain(getattr(event, field.name)) for field in dataclasses.fields(event)}
