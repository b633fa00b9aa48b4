"""A report's chart as a picture file: the page's SVG drawn standalone (colours written on
each shape, as no stylesheet comes along) and rendered to PNG by CairoSVG on a thread."""

from __future__ import annotations

import asyncio
from html import escape

from crm_platform.reports.charts import Chart

# The light theme's colours of reports.css, one per series class.
SERIES = ("#2f5bd3", "#d9822b", "#1f7a4d", "#8e44ad", "#c0362c", "#5d6878")
TEXT, BORDER, ON_BAR, BACKGROUND = "#1c2330", "#dde1e7", "#ffffff", "#ffffff"
FONT = "DejaVu Sans, Arial, sans-serif"
FONT_SIZE = 13
LEGEND_ROW = 22
# Rendered at twice the size, so the labels stay sharp on a slide or a retina screen.
SCALE = 2


def _series(cls: str) -> str:
    for part in cls.split():
        if part[:1] == "s" and part[1:].isdecimal():
            return SERIES[int(part[1:]) % len(SERIES)]
    return SERIES[0]


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


NUMBER_SIZE = (320, 120)


def size(chart: Chart) -> tuple[int, int]:
    """The picture's width and height in CSS pixels: the chart, and its key below it."""
    if chart.kind == "number":
        return NUMBER_SIZE
    legend = len(chart.legend) if len(chart.legend) > 1 else 0
    return chart.width, chart.height + (legend * LEGEND_ROW + 8 if legend else 0)


def svg_document(chart: Chart, title: str) -> str:
    """The chart as a standalone SVG file."""
    width, height = size(chart)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title><desc>{escape(chart.description)}</desc>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{BACKGROUND}"/>',
    ]
    if chart.kind == "number":
        label = chart.legend[0][0] if chart.legend else ""
        parts.append(f'<text x="{width / 2}" y="64" text-anchor="middle" font-size="40" font-weight="bold" '
                     f'fill="{SERIES[0]}">{escape(chart.big)}</text>'
                     f'<text x="{width / 2}" y="96" text-anchor="middle" fill="{TEXT}">{escape(label)}</text>')
    for shape in chart.shapes:
        if shape.kind == "rect":
            parts.append(f'<rect x="{shape.x}" y="{shape.y}" width="{shape.width}" height="{shape.height}" '
                         f'fill="{_series(shape.cls)}"/>')
        elif shape.kind == "text":
            look = f'fill="{ON_BAR}" font-weight="bold"' if "report-on-bar" in shape.cls else f'fill="{TEXT}"'
            parts.append(f'<text x="{shape.x}" y="{shape.y}" text-anchor="{_attr(shape.anchor)}" {look}>'
                         f"{escape(shape.text)}</text>")
        else:
            stroke = _series(shape.cls) if "report-line" in shape.cls else BORDER
            parts.append(f'<polyline points="{_attr(shape.points)}" fill="none" stroke="{stroke}" '
                         f'stroke-width="{2 if "report-line" in shape.cls else 1}"/>')
    if len(chart.legend) > 1:
        for row, (label, cls) in enumerate(chart.legend):
            top = chart.height + 4 + row * LEGEND_ROW
            parts.append(f'<rect x="12" y="{top + 4}" width="12" height="12" fill="{_series(cls)}"/>')
            parts.append(f'<text x="30" y="{top + 15}" fill="{TEXT}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _render(svg: str) -> bytes:
    import cairosvg  # loads libcairo: only when a picture is asked for

    return cairosvg.svg2png(bytestring=svg.encode(), scale=SCALE, unsafe=False)


async def png(chart: Chart, title: str) -> bytes:
    """The chart as PNG, at :data:`SCALE` times its size; rendered on a thread, so a large
    chart does not hold up the event loop."""
    return await asyncio.to_thread(_render, svg_document(chart, title))
