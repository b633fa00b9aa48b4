"""Checks shared by the plugin's record kinds: amounts, counts, currencies, links."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

MAX_AMOUNT = Decimal("999999999999.99")
MAX_PHOTOS = 30
URL_LENGTH = 2000


def amount(raw: Any, field: str, errors: dict[str, str], *, required: bool = False) -> Decimal | None:
    """A money amount with at most two decimals, not negative; ``None`` when not given."""
    if raw is None or raw == "":
        if required:
            errors[field] = "is required"
        return None
    if isinstance(raw, bool):
        errors[field] = "must be a number"
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        errors[field] = "must be a number"
        return None
    if not value.is_finite():
        errors[field] = "must be a number"
    elif value < 0:
        errors[field] = "must not be negative"
    elif value > MAX_AMOUNT:
        errors[field] = f"must be at most {MAX_AMOUNT}"
    elif value != value.quantize(Decimal("0.01")):
        errors[field] = "must have at most 2 decimals"
    else:
        return value.quantize(Decimal("0.01"))
    return None


def count(raw: Any, field: str, errors: dict[str, str], *, most: int = 1000) -> int | None:
    """A whole number from 0 to ``most``; ``None`` when not given."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip().isdecimal():
        errors[field] = "must be a whole number, 0 or more"
        return None
    value = int(raw)
    if value > most:
        errors[field] = f"must be at most {most}"
        return None
    return value


def currency(raw: Any, field: str, errors: dict[str, str]) -> str:
    code = str(raw or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        errors[field] = "must be a three-letter currency code such as EUR"
    return code


def choice(raw: Any, field: str, choices: tuple[str, ...], errors: dict[str, str]) -> str:
    if raw not in choices:
        errors[field] = f"must be one of {', '.join(choices)}"
    return str(raw)


def links(raw: Any, field: str, errors: dict[str, str]) -> list[str]:
    """Photo links: http or https addresses only, so a page never links to ``javascript:``."""
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        errors[field] = "must be a list of links"
        return []
    if len(raw) > MAX_PHOTOS:
        errors[field] = f"must hold at most {MAX_PHOTOS} links"
        return []
    kept = []
    for index, item in enumerate(raw):
        link = item.strip()
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(link) > URL_LENGTH:
            errors[f"{field}[{index}]"] = "must be an http or https address"
        else:
            kept.append(link)
    return kept


def fold(text: str) -> str:
    """An area as matching compares it: spaces collapsed, case ignored."""
    return " ".join(text.split()).casefold()


def as_number(value: Any) -> float | None:
    return None if value is None else float(value)
