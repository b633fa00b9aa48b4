"""A report's chart as SVG shapes for the page to draw: bars, stacks, lines, a funnel or a number.

The SVG is drawn at its own size (never scaled down, the page scrolls it sideways instead),
so its labels keep the 13 px the stylesheet gives them; every chart has the report's table
beside it, and a description for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm_hookspecs import ReportResult

from crm_platform.reports.running import series_of

WIDTH = 640
LABEL_WIDTH = 170
ROW = 28
PAD = 8
MAX_LABEL = 24
MAX_ROWS = 40


@dataclass
class Shape:
    kind: str  # rect, text, line
    cls: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    text: str = ""
    anchor: str = "start"
    points: str = ""
    title: str = ""


@dataclass
class Chart:
    kind: str
    width: int
    height: int
    description: str
    shapes: list[Shape] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    big: str = ""


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def show(value: Any, kind: str) -> str:
    """A value as the page and the chart write it."""
    if value is None:
        return "—"
    if kind == "percent":
        return f"{_number(value) * 100:.1f}%"
    if kind == "days":
        return f"{_number(value):g} days"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def label_of(result: ReportResult, row: dict[str, Any]) -> str:
    """A row's label: its text columns, joined."""
    texts = [str(row.get(c.key) or "") for c in result.columns if c.kind == "text"]
    return " · ".join(text for text in texts if text) or "—"


def draw(chart_kind: str, result: ReportResult, title: str) -> Chart | None:
    """The chart of ``result``, or ``None`` for a table (or nothing to draw)."""
    series = series_of(result)
    rows = [dict(row) for row in result.rows][:MAX_ROWS]
    if chart_kind == "table" or not series or not rows:
        return None
    kinds = {c.key: c.kind for c in result.columns}
    labels = {c.key: c.label for c in result.columns}
    legend = [(labels[key], f"s{index % 6}") for index, key in enumerate(series)]
    if chart_kind == "number":
        value = rows[0].get(series[0])
        return Chart("number", 0, 0, f"{title}: {labels[series[0]]} {show(value, kinds[series[0]])}",
                     big=show(value, kinds[series[0]]), legend=legend[:1])
    if chart_kind == "line":
        return _line(result, rows, series, kinds, legend, title)
    if chart_kind == "funnel":
        return _funnel(result, rows, series[0], kinds, title)
    return _bars(result, rows, series, kinds, legend, title, stacked=chart_kind == "stacked")


def _description(result: ReportResult, rows: list[dict], series: list[str], kinds: dict[str, str], title: str) -> str:
    labels = {c.key: c.label for c in result.columns}
    parts = [f"{label_of(result, row)}: " + ", ".join(f"{labels[key]} {show(row.get(key), kinds[key])}"
                                                     for key in series) for row in rows[:12]]
    more = f"; and {len(rows) - 12} more rows in the table" if len(rows) > 12 else ""
    return f"{title}. " + "; ".join(parts) + more


def _bars(result: ReportResult, rows: list[dict], series: list[str], kinds: dict[str, str],
          legend: list[tuple[str, str]], title: str, *, stacked: bool) -> Chart:
    area = WIDTH - LABEL_WIDTH - 70
    if stacked:
        peak = max(sum(_number(row.get(key)) for key in series) for row in rows) or 1.0
    else:
        peak = max(_number(row.get(key)) for row in rows for key in series) or 1.0
    band = ROW if stacked else max(ROW, 10 * len(series) + 8)
    chart = Chart("stacked" if stacked else "bar", WIDTH, PAD * 2 + band * len(rows),
                  _description(result, rows, series, kinds, title), legend=legend)
    for index, row in enumerate(rows):
        top = PAD + index * band
        label = label_of(result, row)
        chart.shapes.append(Shape("text", "report-label", x=LABEL_WIDTH - 8, y=top + band / 2 + 4,
                                  text=_short(label), anchor="end", title=label))
        left = float(LABEL_WIDTH)
        thickness = (band - 8) if stacked else (band - 8) / len(series)
        for position, key in enumerate(series):
            value = _number(row.get(key))
            length = round(value / peak * area, 2)
            y = top + 4 if stacked else top + 4 + position * thickness
            chart.shapes.append(Shape("rect", f"s{position % 6}", x=left, y=y, width=length,
                                      height=max(thickness - 1, 2),
                                      title=f"{label}, {legend[position][0]}: {show(row.get(key), kinds[key])}"))
            if stacked:
                left += length
        total = sum(_number(row.get(key)) for key in series) if stacked else None
        if stacked:
            chart.shapes.append(Shape("text", "report-value", x=left + 6, y=top + band / 2 + 4,
                                      text=show(int(total) if total == int(total) else total, "number")))
        else:
            end = LABEL_WIDTH + max(_number(row.get(key)) for key in series) / peak * area
            chart.shapes.append(Shape("text", "report-value", x=end + 6, y=top + band / 2 + 4,
                                      text=" / ".join(show(row.get(key), kinds[key]) for key in series)))
    return chart


def _line(result: ReportResult, rows: list[dict], series: list[str], kinds: dict[str, str],
          legend: list[tuple[str, str]], title: str) -> Chart:
    height, bottom, left = 240, 200, 50
    peak = max(_number(row.get(key)) for row in rows for key in series) or 1.0
    step = (WIDTH - left - 20) / max(len(rows) - 1, 1)
    chart = Chart("line", WIDTH, height, _description(result, rows, series, kinds, title), legend=legend)
    chart.shapes.append(Shape("line", "report-axis", points=f"{left},{PAD} {left},{bottom} {WIDTH - 10},{bottom}"))
    chart.shapes.append(Shape("text", "report-value", x=left - 6, y=PAD + 10, text=show(peak, "number"),
                              anchor="end"))
    chart.shapes.append(Shape("text", "report-value", x=left - 6, y=bottom, text="0", anchor="end"))
    every = max(1, len(rows) // 8)
    for index, row in enumerate(rows):
        if index % every == 0:
            chart.shapes.append(Shape("text", "report-label", x=left + index * step, y=bottom + 20,
                                      text=_short(label_of(result, row)), anchor="middle"))
    for position, key in enumerate(series):
        points = [(left + index * step, bottom - _number(row.get(key)) / peak * (bottom - PAD - 10))
                  for index, row in enumerate(rows)]
        chart.shapes.append(Shape("line", f"report-line s{position % 6}",
                                  points=" ".join(f"{x:.1f},{y:.1f}" for x, y in points)))
        for (x, y), row in zip(points, rows, strict=True):
            chart.shapes.append(Shape("rect", f"s{position % 6}", x=x - 3, y=y - 3, width=6, height=6,
                                      title=f"{label_of(result, row)}, {legend[position][0]}: "
                                            f"{show(row.get(key), kinds[key])}"))
    return chart


def _funnel(result: ReportResult, rows: list[dict], key: str, kinds: dict[str, str], title: str) -> Chart:
    peak = max(_number(row.get(key)) for row in rows) or 1.0
    band = 40
    area = WIDTH - LABEL_WIDTH - 20
    chart = Chart("funnel", WIDTH, PAD * 2 + band * len(rows), _description(result, rows, [key], kinds, title))
    middle = LABEL_WIDTH + area / 2
    for index, row in enumerate(rows):
        top = PAD + index * band
        length = max(_number(row.get(key)) / peak * area, 2)
        label = label_of(result, row)
        chart.shapes.append(Shape("text", "report-label", x=LABEL_WIDTH - 8, y=top + band / 2 + 4, text=_short(label),
                                  anchor="end", title=label))
        chart.shapes.append(Shape("rect", "s0", x=middle - length / 2, y=top + 4, width=length, height=band - 8,
                                  title=f"{label}: {show(row.get(key), kinds[key])}"))
        chart.shapes.append(Shape("text", "report-value report-on-bar", x=middle, y=top + band / 2 + 4,
                                  text=show(row.get(key), kinds[key]), anchor="middle"))
    return chart
