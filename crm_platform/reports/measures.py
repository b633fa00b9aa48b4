"""Measures over plain values, where SQL has no portable function (median and p90 on SQLite)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def measure(values: Sequence[float], kind: str) -> float | None:
    """``count``, ``sum``, ``avg``, ``median`` or ``p90`` of ``values``; ``None`` when there
    are none to average. ``p90`` is the nearest-rank 90th percentile."""
    if kind == "count":
        return float(len(values))
    if kind == "sum":
        return float(sum(values))
    if not values:
        return None
    ordered = sorted(values)
    if kind == "avg":
        return round(sum(ordered) / len(ordered), 2)
    if kind == "median":
        middle = len(ordered) // 2
        return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    if kind == "p90":
        return float(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)])
    raise ValueError(f"unknown measure {kind!r}; measures are count, sum, avg, median, p90")


def rate(part: float, whole: float) -> float | None:
    """``part`` as a share of ``whole`` (0-1, four places), ``None`` of nothing."""
    return round(part / whole, 4) if whole else None
