"""What each regional preference may be. Choices are written the way a person recognises them
("DD/MM/YYYY", "1.234,56"), so the settings page can show them as they are stored."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

import phonenumbers
from babel.numbers import list_currencies

# Date formats, as shown, and the strftime pattern each stands for.
DATE_FORMATS: dict[str, str] = {
    "D MMM YYYY": "{day} %b %Y",
    "YYYY-MM-DD": "%Y-%m-%d",
    "DD/MM/YYYY": "%d/%m/%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD.MM.YYYY": "%d.%m.%Y",
}
DEFAULT_DATE_FORMAT = "D MMM YYYY"

# Number formats, as shown, and the locale whose grouping and decimal marks they are.
NUMBER_FORMATS: dict[str, str] = {
    "1,234.56": "en_US",
    "1.234,56": "de_DE",
    "1 234,56": "fr_FR",
    "1'234.56": "de_CH",
}
DEFAULT_NUMBER_FORMAT = "1,234.56"

# First day of the week, and its number in Python's weekday() (Monday is 0).
WEEK_STARTS: dict[str, int] = {"monday": 0, "sunday": 6, "saturday": 5}
DEFAULT_WEEK_START = "monday"
DEFAULT_CURRENCY = "EUR"


@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC"))


@lru_cache(maxsize=1)
def phone_regions() -> tuple[str, ...]:
    return tuple(sorted(region for region in phonenumbers.SUPPORTED_REGIONS if region != "001"))


@lru_cache(maxsize=1)
def currencies() -> tuple[str, ...]:
    # Babel's list holds historic codes too (DEM, FRF); they do no harm in a deal's currency.
    return tuple(sorted(code for code in list_currencies() if len(code) == 3 and code.isalpha()))


def allowed(key: str) -> tuple[str, ...]:
    """The values preference ``key`` accepts."""
    return {
        "phone_region": phone_regions,
        "currency": currencies,
        "time_zone": time_zones,
        "date_format": lambda: tuple(DATE_FORMATS),
        "number_format": lambda: tuple(NUMBER_FORMATS),
        "week_start": lambda: tuple(WEEK_STARTS),
    }[key]()
