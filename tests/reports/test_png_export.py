"""A report's chart exported as PNG: the page's button, and a real picture of the chart's
size with the series' colour drawn in it, decoded by cairo itself."""

from __future__ import annotations

import io
import re
import struct

import pytest

from crm_platform.reports import images
from tests.reports.conftest import add_contact

pytestmark = pytest.mark.postgres

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _pixels(data: bytes) -> tuple[int, int, set[tuple[int, int, int]]]:
    """Width, height and the colours (RGB) of a PNG, read by cairo's own PNG decoder."""
    import cairocffi

    surface = cairocffi.ImageSurface.create_from_png(io.BytesIO(data))
    width, height, stride = surface.get_width(), surface.get_height(), surface.get_stride()
    raw = bytes(surface.get_data())
    colours = set()
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            blue, green, red, _ = raw[y * stride + x * 4: y * stride + x * 4 + 4]  # ARGB32, little-endian
            colours.add((red, green, blue))
    return width, height, colours


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


async def test_a_chart_exports_as_a_png_of_its_size_with_the_bars_drawn(teams, crm_client, crm_admin, browse):
    await add_contact(teams["ann"].client, "Ada", source="web")
    await add_contact(teams["ann"].client, "Alma", source="web", lifecycle_stage="customer")
    await add_contact(teams["cat"].client, "Cleo", source="fair")
    async with browse(crm_admin[0].email) as client:
        page = await client.get("/reports/sources")
    assert page.status_code == 200
    href = re.search(r'<a class="btn" href="([^"]+)" download data-testid="export-png">Export PNG</a>', page.text)
    assert href is not None and "format=png" in href.group(1)

    response = await crm_client.get(href.group(1).replace("&amp;", "&"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"] == 'attachment; filename="sources.png"'
    assert response.content.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", response.content[16:24])  # the IHDR chunk
    decoded_width, decoded_height, colours = _pixels(response.content)
    assert (decoded_width, decoded_height) == (width, height)
    # Twice the size of the page's chart, with its key (two series) below it.
    page_size = re.search(r'<svg class="report-chart" width="(\d+)" height="(\d+)"', page.text)
    chart_width, chart_height = int(page_size.group(1)), int(page_size.group(2))
    assert (width, height) == (chart_width * images.SCALE,
                               (chart_height + 2 * images.LEGEND_ROW + 8) * images.SCALE)
    # Not blank: the white ground, the first series' blue bars, the second's orange, the text.
    assert _rgb(images.BACKGROUND) in colours
    assert _rgb(images.SERIES[0]) in colours and _rgb(images.SERIES[1]) in colours
    assert len(colours) > 10


async def test_a_report_without_a_chart_refuses_png_naming_the_format(crm_client):
    # No contact came in: nothing to draw.
    response = await crm_client.get("/api/v1/reports/sources", params={"format": "png"})
    assert response.status_code == 422, response.text
    assert "export it as csv" in response.text and "format" in response.text
    response = await crm_client.get("/api/v1/reports/sources", params={"format": "gif"})
    assert response.status_code == 422 and "'gif' is not one of json, csv, png" in response.text
