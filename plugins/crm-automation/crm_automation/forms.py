"""Web-to-lead forms: designed in the browser (each field mapped to a contact field), hosted
at ``/automation/public/forms/<token>`` for visitors who do not sign in. A submission makes a
contact, or updates the one with the same email, as the form's owner, and is the event
``FormSubmitted``."""

from __future__ import annotations

import json
import secrets
from typing import Any

from crm_automation.events import FormSubmitted
from crm_platform.toolkit import (
    Invalid,
    NotFound,
    contact_ids_by_email,
    create_record,
    execute,
    fetch,
    invalid,
    now,
    principal_for,
    record_consent,
    unit_of_work,
    update_record,
)

TARGETS = {"email": "Email", "given_name": "First name", "family_name": "Last name", "phone": "Phone",
           "job_title": "Job title"}
MAX_FIELDS = 20
MAX_VALUE = 500
# The hidden input that people never fill in and form-filling robots do.
HONEYPOT = "website"
# A field mapped to ``consent.<purpose>`` is a box; ticked, it is a row of the consent ledger
# (purpose, email channel, the form as source, the box's wording as the text agreed to).
CONSENT = "consent."


def _is_key(text: str) -> bool:
    return bool(text) and len(text) <= 60 and text.replace("_", "").isalnum()


def _row(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("fields"), str):
        row["fields"] = json.loads(row["fields"])
    return row


def check_fields(fields: Any) -> list[dict[str, Any]]:
    if not isinstance(fields, list) or not fields or len(fields) > MAX_FIELDS:
        raise invalid("fields", f"a form has 1 to {MAX_FIELDS} fields")
    errors: dict[str, str] = {}
    cleaned, seen = [], set()
    for index, item in enumerate(fields):
        if not isinstance(item, dict):
            errors[f"fields[{index}]"] = "must be an object with label and maps_to"
            continue
        label, target = str(item.get("label") or "").strip(), item.get("maps_to")
        if not label or len(label) > 100:
            errors[f"fields[{index}].label"] = "is required, at most 100 characters"
        if not isinstance(target, str) or not (target in TARGETS or (
                target.startswith("custom.") and target.removeprefix("custom.").replace("_", "").isalnum()) or (
                target.startswith(CONSENT) and _is_key(target.removeprefix(CONSENT)))):
            errors[f"fields[{index}].maps_to"] = (f"must be one of {', '.join(TARGETS)}, custom.<key> or "
                                                  "consent.<purpose> (a box to tick)")
        elif target in seen:
            errors[f"fields[{index}].maps_to"] = f"{target} is asked for twice"
        seen.add(target)
        cleaned.append({"name": f"f{index}", "label": label, "maps_to": target, "required": bool(item.get("required")),
                        "consent": isinstance(target, str) and target.startswith(CONSENT)})
    if "email" not in seen:
        errors["fields"] = "a form asks for the email, so a second submission updates the same contact"
    if errors:
        raise Invalid(errors)
    for item in cleaned:
        if item["maps_to"] == "email":
            item["required"] = True
    return cleaned


async def create(principal: Any, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise invalid("body", "must be an object")
    name, tag = data.get("name"), data.get("tag") or ""
    errors: dict[str, str] = {}
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        errors["name"] = "is required, at most 200 characters"
    if not isinstance(tag, str) or len(tag) > 100:
        errors["tag"] = "must be a tag, at most 100 characters"
    try:
        fields = check_fields(data.get("fields"))
    except Invalid as exc:
        errors |= exc.errors
    if errors:
        raise Invalid(errors)
    token = secrets.token_urlsafe(18)
    rows = await execute(
        "INSERT INTO automation_form (name, token, fields, tag, owner, created_at) VALUES ({}, {}, {}, {}, {}, {}) "
        "RETURNING id", name.strip(), token, json.dumps(fields), tag.strip().lower(), principal.id, now())
    return await get(rows[0]["id"])


async def get(form_id: int) -> dict[str, Any]:
    rows = await fetch("SELECT id, name, token, fields, tag, owner, created_at FROM automation_form WHERE id = {}",
                       form_id)
    if not rows:
        raise NotFound("automation.form", form_id)
    return _row(rows[0]) | {"url": f"/automation/public/forms/{rows[0]['token']}"}


async def by_token(token: str) -> dict[str, Any]:
    rows = await fetch("SELECT id FROM automation_form WHERE token = {}", token[:64])
    if not rows:
        raise NotFound("automation.form", 0)
    return await get(rows[0]["id"])


async def all_forms() -> list[dict[str, Any]]:
    rows = await fetch("SELECT id, name, token, fields, tag, owner, created_at FROM automation_form "
                       "ORDER BY id LIMIT 200")
    return [_row(row) | {"url": f"/automation/public/forms/{row['token']}"} for row in rows]


def _values(form: dict[str, Any], submitted: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for field in form["fields"]:
        value = str(submitted.get(field["name"]) or "").strip()
        if field.get("consent"):
            if field["required"] and not value:
                errors[field["name"]] = f"{field['label']}: tick the box to send the form"
            elif value:
                values[field["maps_to"]] = field["label"]
            continue
        if len(value) > MAX_VALUE:
            errors[field["name"]] = f"{field['label']}: at most {MAX_VALUE} characters"
        elif field["required"] and not value:
            errors[field["name"]] = f"{field['label']}: is required"
        elif value:
            values[field["maps_to"]] = value
    if errors:
        raise Invalid(errors)
    return values


async def submit(form: dict[str, Any], submitted: dict[str, str]) -> dict[str, Any]:
    """Make or update the contact; ``Invalid`` names the form's fields that are wrong."""
    values = _values(form, submitted)
    owner = await principal_for(form["owner"]) if form["owner"] else None
    if owner is None:
        raise invalid("form", "this form is closed")
    email = values.pop("email").lower()
    consents = {key.removeprefix(CONSENT): values.pop(key) for key in list(values) if key.startswith(CONSENT)}
    custom = {key.removeprefix("custom."): values.pop(key) for key in list(values) if key.startswith("custom.")}
    changes: dict[str, Any] = {key: value for key, value in values.items() if key != "phone"}
    if "phone" in values:
        changes["phones"] = [{"number": values["phone"], "label": "work"}]
    if custom:
        changes["custom"] = custom
    async with unit_of_work() as work:
        found = (await contact_ids_by_email(owner, [email])).get(email)
        try:
            if found:
                await update_record(owner, "contact", found, changes)
                contact_id, created = found, False
            else:
                contact_id = await create_record(owner, "contact", {
                    **changes, "emails": [{"address": email, "label": "work"}],
                    "tags": [form["tag"]] if form["tag"] else [], "source": "web form"})
                created = True
        except Invalid as exc:
            # Name the form's own fields, as the visitor sees them, not the contact's columns.
            labels = {field["maps_to"]: field for field in form["fields"]}
            raise Invalid({labels[key]["name"] if key in labels else "form":
                           f"{labels[key]['label']}: {message}" if key in labels else message
                           for key, message in exc.errors.items()}) from None
        for purpose, wording in consents.items():
            await record_consent(owner, contact_id, purpose=purpose, granted=True, channel="email",
                                 source=f"web form {form['name']}"[:100], text_version=wording[:60])
        work.emit(FormSubmitted(actor_id=owner.id, form_id=form["id"], contact_id=contact_id, created=created))
    return {"contact_id": contact_id, "created": created}
