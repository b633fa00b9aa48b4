"""Bar charts as plain numbers for inline SVG: the page draws them, no script involved."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

WIDTH = 640
BAR_GAP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | float
    inner: Decimal | float
    x: float
    width: float
    height: float
    inner_height: float
    text: str


def columns(items: list[dict[str, Any]], label: str, outer: str, inner: str, height: int = 180) -> list[Bar]:
    """Vertical bars: ``outer`` drawn light, ``inner`` (part of it) drawn strong."""
    if not items:
        return []
    peak = max(float(item[outer]) for item in items) or 1.0
    slot = WIDTH / len(items)
    return [
        Bar(
            label=str(item[label]), value=item[outer], inner=item[inner], x=index * slot + BAR_GAP / 2,
            width=max(slot - BAR_GAP, 1), height=float(item[outer]) / peak * height,
            inner_height=float(item[inner]) / peak * height, text=f"{item[inner]} of {item[outer]}",
        )
        for index, item in enumerate(items)
    ]


def rows(items: list[dict[str, Any]], label: str, value: str, row_height: int = 22) -> list[Bar]:
    """Horizontal bars, one per row, scaled to the largest value."""
    if not items:
        return []
    peak = max(float(item[value] or 0) for item in items) or 1.0
    return [
        Bar(
            label=str(item[label]), value=item[value] or 0, inner=item[value] or 0, x=index * row_height,
            width=float(item[value] or 0) / peak * (WIDTH - 220), height=row_height - 4, inner_height=0,
            text=str(item[value]),
        )
        for index, item in enumerate(items)
    ]
