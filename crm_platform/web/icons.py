"""The app's icon, drawn from one description into SVG, PNG and ICO files.

``python -m crm_platform.web.icons`` rewrites ``static/icon.svg``, ``static/icon-*.png`` and
``static/favicon.ico``. The PNGs are rasterised here from the same shapes as the SVG (with
signed distances for smooth edges), so no image library is needed and the files always agree.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).parent / "static"
ACCENT = (0x2F, 0x5B, 0xD3)
CANVAS = 512
CORNER = 112
# Three people and the lines between them: what the CRM keeps.
NODES = ((190, 286, 82), (360, 170, 52), (352, 372, 44))
LINKS = ((0, 1), (0, 2))
LINK_WIDTH = 28
PNG_SIZES = (180, 192, 512)
ICO_SIZES = (16, 32, 48)


def svg() -> str:
    lines = "".join(
        f'<line x1="{NODES[a][0]}" y1="{NODES[a][1]}" x2="{NODES[b][0]}" y2="{NODES[b][1]}"/>' for a, b in LINKS
    )
    circles = "".join(f'<circle cx="{x}" cy="{y}" r="{r}"/>' for x, y, r in NODES)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CANVAS} {CANVAS}">'
        f'<rect width="{CANVAS}" height="{CANVAS}" rx="{CORNER}" fill="#{"".join(f"{c:02x}" for c in ACCENT)}"/>'
        f'<g stroke="#fff" stroke-width="{LINK_WIDTH}" stroke-linecap="round">{lines}</g>'
        f'<g fill="#fff">{circles}</g></svg>\n'
    )


def _rounded_square_distance(x: float, y: float) -> float:
    half = CANVAS / 2
    qx, qy = abs(x - half) - (half - CORNER), abs(y - half) - (half - CORNER)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - CORNER


def _segment_distance(x: float, y: float, a: tuple[int, ...], b: tuple[int, ...]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - a[0] - t * dx, y - a[1] - t * dy) - LINK_WIDTH / 2


def _mark_distance(x: float, y: float) -> float:
    circles = (math.hypot(x - cx, y - cy) - r for cx, cy, r in NODES)
    links = (_segment_distance(x, y, NODES[a], NODES[b]) for a, b in LINKS)
    return min(*circles, *links)


def pixels(size: int) -> bytes:
    """RGBA rows of the icon at ``size`` × ``size``."""
    scale = CANVAS / size
    rows = bytearray()
    for row in range(size):
        rows.append(0)  # PNG filter type: none
        for column in range(size):
            x, y = (column + 0.5) * scale, (row + 0.5) * scale
            # Coverage from the signed distance, measured in output pixels.
            background = min(1.0, max(0.0, 0.5 - _rounded_square_distance(x, y) / scale))
            mark = min(1.0, max(0.0, 0.5 - _mark_distance(x, y) / scale))
            colour = (round(c + (255 - c) * mark) for c in ACCENT)
            rows.extend((*colour, round(255 * background)))
    return bytes(rows)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels(size), 9)) + chunk(
        b"IEND", b""
    )


def ico(sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """An ICO file whose images are PNGs (every browser since IE 9 reads those)."""
    images = [png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    directory = bytearray(struct.pack("<HHH", 0, 1, len(images)))
    for size, image in zip(sizes, images, strict=True):
        directory += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return bytes(directory) + b"".join(images)


def write_all(folder: Path = STATIC) -> None:
    (folder / "icon.svg").write_text(svg())
    for size in PNG_SIZES:
        (folder / f"icon-{size}.png").write_bytes(png(size))
    (folder / "favicon.ico").write_bytes(ico())


if __name__ == "__main__":
    write_all()
