"""The browser builder's form: read into the same definition the API takes, and back."""

from __future__ import annotations

from typing import Any

from crm_automation import actions, timed, triggers

TRIGGER_INPUTS = ("kind", "field", "from", "to", "activity_type", "days", "hours", "when")
TRIGGER_NUMBERS = {"days", "hours"}
NUMBER_PARAMS = {"due_in_business_days", "user_id", "team_id", "endpoint_id", "sequence_id", "minutes", "hours", "days",
                 "business_days", "timeout_days"}


def _value(name: str, raw: str) -> Any:
    raw = raw.strip()
    if name in NUMBER_PARAMS and raw.lstrip("-").isdecimal():
        return int(raw)
    return raw


def _all(form: Any, name: str) -> list[str]:
    return list(form.getall(name)) if name in form else []


def definition_from(form: Any) -> dict[str, Any]:
    """The workflow definition a submitted builder form describes."""
    trigger = {"event": form.get("trigger_event") or ""}
    for key in TRIGGER_INPUTS:
        value = (form.get(f"trigger_{key}") or "").strip()
        if value:
            trigger[key] = int(value) if key in TRIGGER_NUMBERS and value.isdecimal() else value
    if trigger["event"] != timed.DATE:
        trigger.pop("when", None)  # the select always sends one; only date triggers take it
    match = "any" if form.get("match") == "any" else "all"
    rows = []
    for field, op, value in zip(_all(form, "cond_field"), _all(form, "cond_op"), _all(form, "cond_value"),
                                strict=False):
        if not field.strip():
            continue
        condition: dict[str, Any] = {"field": field.strip(), "op": op}
        if op in ("in", "between"):
            condition["value"] = [part.strip() for part in value.split(",") if part.strip()]
        elif op not in ("empty", "not_empty"):
            condition["value"] = value
        rows.append(condition)
    steps = []
    known = actions.available()
    for index in _all(form, "step"):
        if form.get(f"step{index}_remove"):
            continue
        key = form.get(f"step{index}_action") or ""
        step: dict[str, Any] = {"action": key}
        action = known.get(key)
        for param in action.params if action else ():
            raw = form.get(f"step{index}_{param}")
            if raw not in (None, ""):
                step[param] = _value(param, raw)
        steps.append(step)
    return {"name": form.get("name") or "", "description": form.get("description") or "", "trigger": trigger,
            "conditions": {match: rows} if rows else {}, "steps": steps}


def form_state(definition: dict[str, Any]) -> dict[str, Any]:
    """What the builder's template shows for a definition."""
    conditions = definition.get("conditions") or {}
    match = "any" if "any" in conditions else "all"
    rows = []
    for row in conditions.get(match, []):
        if "field" not in row:
            continue  # nested groups are built through the API; the form shows one level
        value = row.get("value", "")
        rows.append({"field": row["field"], "op": row.get("op", "eq"),
                     "value": ", ".join(map(str, value)) if isinstance(value, list) else value})
    return {"definition": definition, "match": match, "condition_rows": rows,
            "steps": list(enumerate(definition.get("steps") or []))}


def choices() -> dict[str, Any]:
    return {"trigger_choices": [(item["event"], item["label"]) for item in triggers.catalogue()],
            "action_choices": [(action.key, action.label) for action in actions.available().values()],
            "actions_by_key": actions.available()}
