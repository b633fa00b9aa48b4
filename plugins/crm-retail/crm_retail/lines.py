"""An order's line items: what the API and imports give, checked and put in one spelling."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_LINES = 500
PRODUCT_LENGTH = 200
CENT = Decimal("0.01")


def parse(raw: Any) -> Any:
    """The line items as a list: given as a list (the API) or as JSON text (an import, or the
    stored column)."""
    if isinstance(raw, str):
        try:
            return json.loads(raw) if raw.strip() else []
        except ValueError:
            return raw
    return raw


def clean(raw: Any, currency: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    """``[{"product", "quantity", "unit_price"}]`` with the unit price a Decimal of cents; each
    wrong value is named in ``errors`` (``lines[2].quantity``)."""
    items = parse(raw)
    if not isinstance(items, list):
        errors["lines"] = "must be a list of line items, each with product, quantity and unit_price"
        return []
    if not items:
        errors["lines"] = "an order needs at least one line item"
    if len(items) > MAX_LINES:
        errors["lines"] = f"has {len(items)} line items; at most {MAX_LINES} fit in one order"
        return []
    cleaned = []
    for index, item in enumerate(items):
        where = f"lines[{index}]"
        if not isinstance(item, dict):
            errors[where] = "must be an object with product, quantity and unit_price"
            continue
        product = " ".join(str(item.get("product") or "").split())
        if not product:
            errors[f"{where}.product"] = "is required"
        elif len(product) > PRODUCT_LENGTH:
            errors[f"{where}.product"] = f"must be at most {PRODUCT_LENGTH} characters"
        quantity = item.get("quantity")
        if isinstance(quantity, str) and quantity.strip().lstrip("-").isdecimal():
            quantity = int(quantity)
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            errors[f"{where}.quantity"] = f"must be a whole number of at least 1, not {quantity!r}"
        price = _price(item.get("unit_price"), f"{where}.unit_price", errors)
        line_currency = item.get("currency")
        if line_currency not in (None, "") and str(line_currency).upper() != currency:
            errors[f"{where}.currency"] = f"must be the order's currency {currency}, not {line_currency!r}"
        if not any(key.startswith(where) for key in errors):
            cleaned.append({"product": product, "quantity": quantity, "unit_price": price})
    return cleaned


def _price(raw: Any, field: str, errors: dict[str, str]) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        errors[field] = "must be a number such as 12.50"
        return Decimal(0)
    try:
        price = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        errors[field] = f"must be a number such as 12.50, not {raw!r}"
        return Decimal(0)
    if not price.is_finite() or price < 0:
        errors[field] = f"must be zero or more, not {raw!r}"
    elif price != price.quantize(CENT):
        errors[field] = f"has more than 2 decimals: {raw!r}"
    elif price >= Decimal("1e10"):
        errors[field] = "is too large"
    else:
        return price.quantize(CENT)
    return price


def total(items: list[dict[str, Any]]) -> Decimal:
    return sum((item["quantity"] * item["unit_price"] for item in items), Decimal(0)).quantize(CENT)


def dump(items: list[dict[str, Any]]) -> str:
    """The stored spelling: JSON with the prices as text, so no cent is lost to a float."""
    return json.dumps([{**item, "unit_price": str(item["unit_price"])} for item in items], separators=(",", ":"))


def load(text: str) -> list[dict[str, Any]]:
    return [{**item, "unit_price": str(item["unit_price"])} for item in json.loads(text or "[]")]


def money(value: Any) -> str:
    """An amount as the API and pages show it: two decimals, whatever the engine returned."""
    return str(Decimal(str(value or 0)).quantize(CENT))
