"""The one check every body of the automation API and every workflow definition makes: a
field the body does not take is named, so a misspelt field is not silently ignored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def unknown_fields(data: dict[str, Any], allowed: Iterable[str]) -> dict[str, str]:
    """``{field: message}`` for each field of ``data`` outside ``allowed``; empty when all fit."""
    allowed = tuple(allowed)
    return {name: f"is not a field here; the fields are {', '.join(allowed)}"
            for name in sorted(set(data) - set(allowed))}
