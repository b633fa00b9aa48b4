"""Validation of deal fields: every wrong field is named at once, before anything is written."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from crm_hookspecs import Principal

from crm_platform.toolkit import Invalid, get_records, setting
from crm_sales.currencies import CURRENCIES
from crm_sales.tables import CONTACT_ROLES

MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


def money(value: Any) -> Decimal:
    """An amount with two decimals: SQLite hands NUMERIC back as a float, PostgreSQL exact."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def clean_amount(raw: Any, errors: dict[str, str]) -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors["amount"] = "must be a number"
        return Decimal(0)
    if not amount.is_finite():
        errors["amount"] = "must be a number"
    elif amount < 0:
        errors["amount"] = "must not be negative"
    elif amount > MAX_AMOUNT:
        errors["amount"] = f"must be at most {MAX_AMOUNT}"
    else:
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal(0)


def clean_currency(raw: str, errors: dict[str, str]) -> str:
    code = raw.strip().upper()
    if code not in CURRENCIES:
        errors["currency"] = f"{raw!r} is not an ISO 4217 currency code, such as EUR or USD"
    return code


async def _company_error(principal: Principal, company_id: int | None) -> str | None:
    if company_id is None:
        return None
    if not await get_records(principal, "company", [company_id]):
        return f"company {company_id} does not exist"
    return None


async def _contact_errors(principal: Principal, contacts: list[dict[str, Any]], linked: set[int]) -> dict[str, str]:
    """Each contact newly linked must be one ``principal`` may see; those ``linked`` already
    stay, so a colleague who cannot see one of them can still edit the others."""
    errors: dict[str, str] = {}
    wanted = [contact["contact_id"] for contact in contacts if contact["contact_id"] not in linked]
    found = set(await get_records(principal, "contact", wanted)) | linked
    seen: set[int] = set()
    for index, contact in enumerate(contacts):
        if contact["contact_id"] not in found:
            errors[f"contacts[{index}].contact_id"] = f"contact {contact['contact_id']} does not exist"
        elif contact["contact_id"] in seen:
            errors[f"contacts[{index}].contact_id"] = f"contact {contact['contact_id']} is listed twice"
        if contact["role"] not in CONTACT_ROLES:
            errors[f"contacts[{index}].role"] = f"must be one of {', '.join(CONTACT_ROLES)}"
        seen.add(contact["contact_id"])
    return errors


async def clean_deal(principal: Principal, values: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """Validate and normalise a full set of deal fields (the core's pipeline checks the owner);
    raise :class:`Invalid` naming every wrong field. Related records are checked only when
    they changed."""
    errors: dict[str, str] = {}
    values["title"] = values["title"].strip()
    if not values["title"]:
        errors["title"] = "must not be empty"
    values["amount"] = clean_amount(values["amount"], errors)
    values["currency"] = clean_currency(values["currency"], errors)
    values["next_step"] = values["next_step"].strip()
    values["source"] = values["source"].strip()
    company_changed = existing is None or values["company"] != existing["company"]
    if company_changed and (error := await _company_error(principal, values["company"])):
        errors["company_id"] = error
    if values.get("contacts") is not None:
        linked = {contact["contact_id"] for contact in (existing or {}).get("contacts") or ()}
        errors.update(await _contact_errors(principal, values["contacts"], linked))
    if errors:
        raise Invalid(errors)
    return values


async def lost_reasons() -> list[str]:
    """The configured reasons: a list, or text with one reason per line as a form stores it."""
    raw = await setting("sales", "lost_reasons")
    items = raw.splitlines() if isinstance(raw, str) else list(raw or ())
    return [str(item).strip() for item in items if str(item).strip()]


async def lost_reason_error(reason: str | None, allowed: list[str]) -> str | None:
    if not reason or not reason.strip():
        return f"a deal is closed as lost with a reason: one of {', '.join(allowed)}"
    if reason.strip() not in allowed:
        return f"must be one of {', '.join(allowed)}"
    return None
