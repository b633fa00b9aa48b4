"""Dates, times and amounts written the way the user reads them, and amounts read the way
they type them ("1,200.50", "1.200,50")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

from crm_platform.regional import choices
from crm_platform.regional.preferences import Regional

# Spaces people type or paste as a thousands separator (the French one is U+202F).
SPACES = (" ", "\u00a0", "\u202f")


def format_date(day: dt.date, regional: Regional) -> str:
    """``day`` in the user's date format."""
    pattern = choices.DATE_FORMATS[regional.date_format]
    return day.strftime(pattern.replace("{day}", str(day.day)))


def format_moment(moment: dt.datetime, regional: Regional) -> str:
    """A date and a time of day (already in the user's zone): "05/03/2026 14:05"."""
    return f"{format_date(moment.date(), regional)} {moment:%H:%M}"


def format_number(value: Decimal | float | int, regional: Regional) -> str:
    """A number with the user's grouping and decimal marks and two decimals: "1.200,50"."""
    return format_decimal(Decimal(str(value)), format="#,##0.00", locale=regional.locale)


def format_amount(value: Decimal | float | int, currency: str, regional: Regional) -> str:
    """An amount of ``currency`` in the user's number format: "€1,200.50", "1.200,50 €"."""
    return format_currency(Decimal(str(value)), currency, locale=regional.locale)


def parse_amount(text: str, regional: Regional) -> Decimal:
    """An amount typed in the user's format; a plain "1200.50" is taken in any format.
    :class:`ValueError` says what was expected."""
    group = get_group_symbol(regional.locale)
    cleaned = text.strip()
    for space in SPACES:
        # Where a space groups thousands, any space does; elsewhere spaces are left out.
        cleaned = cleaned.replace(space, group if group in SPACES else "")
    # Typed apostrophes: the Swiss group mark is the typographic one.
    cleaned = cleaned.replace("'", group) if group == "\u2019" else cleaned
    if not cleaned:
        raise ValueError("must be an amount")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        pass
    try:
        return parse_decimal(cleaned, locale=regional.locale, strict=True)
    except NumberFormatError:
        example = format_decimal(Decimal("1200.50"), format="#,##0.00", locale=regional.locale)
        decimal_mark = get_decimal_symbol(regional.locale)
        raise ValueError(f"must be an amount like {example} (the decimal mark is {decimal_mark!r})") from None
