"""Bar charts as plain numbers for the page to draw: each bar is a share of the largest one.

The page lays the labels out as text (so they keep the page's font size at any width) and
draws each bar as a small SVG stretched to its slot; no script and no inline style involved.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | float
    inner: Decimal | float
    share: float  # of the largest bar, 0 to 100
    inner_share: float
    text: str


def _share(value: Any, peak: float) -> float:
    return round(float(value or 0) / peak * 100, 2)


def columns(items: list[dict[str, Any]], label: str, outer: str, inner: str) -> list[Bar]:
    """Vertical bars: ``outer`` drawn light, ``inner`` (part of it) drawn strong."""
    if not items:
        return []
    peak = max(float(item[outer]) for item in items) or 1.0
    return [
        Bar(label=str(item[label]), value=item[outer], inner=item[inner], share=_share(item[outer], peak),
            inner_share=_share(item[inner], peak), text=f"{item[inner]} of {item[outer]}")
        for item in items
    ]


def rows(items: list[dict[str, Any]], label: str, value: str) -> list[Bar]:
    """Horizontal bars, one per row, scaled to the largest value."""
    if not items:
        return []
    peak = max(float(item[value] or 0) for item in items) or 1.0
    return [
        Bar(label=str(item[label]), value=item[value] or 0, inner=item[value] or 0,
            share=_share(item[value], peak), inner_share=0.0, text=str(item[value]))
        for item in items
    ]
