"""Draw the app icons (a white map pin on the site's teal, a yellow coast line) as PNGs, with the standard library.

Run once after changing the motif: ``python scripts/make_icons.py``; the PNGs in webmap/static/icons are committed.
No Pillow: a pixel is covered by the shapes at 3x3 sample points, written with ``zlib`` as an RGBA PNG.
``icon-*.png`` (purpose ``any``) is a rounded square; ``maskable-*.png`` fills the whole square and keeps the
pin inside the central 80 % circle that launchers may crop to.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parents[1] / "webmap" / "static" / "icons"
TEAL = (0x00, 0x69, 0x5C)  # --accent of peta.css
WHITE = (0xFF, 0xFF, 0xFF)
YELLOW = (0xFF, 0xD5, 0x4F)  # the active nav underline
SAMPLES = (1 / 6, 1 / 2, 5 / 6)
ICONS = {"icon-192.png": (192, False), "icon-512.png": (512, False), "maskable-192.png": (192, True),
         "maskable-512.png": (512, True), "apple-touch-icon.png": (180, True)}


def _in_pin(x: float, y: float, scale: float) -> str | None:
    """Which part of the motif covers the unit-square point (x, y): ``pin``, ``hole``, ``coast`` or None."""
    cx, cy, r = 0.5, 0.5 - 0.13 * scale, 0.2 * scale
    dx, dy = x - cx, y - cy
    tip = cy + 1.95 * r
    in_circle = dx * dx + dy * dy <= r * r
    in_cone = cy <= y <= tip and abs(dx) <= 0.87 * r * (tip - y) / (tip - cy + 0.5 * r)
    if dx * dx + dy * dy <= (0.42 * r) ** 2:
        return "hole"
    if in_circle or in_cone:
        return "pin"
    if abs(y - (tip + 0.02 * scale) - 0.025 * scale * _wave(x)) <= 0.022 * scale and abs(x - 0.5) <= 0.3 * scale:
        return "coast"
    return None


def _wave(x: float) -> float:
    return math.sin(x * 4 * math.pi)


def _inside_rounded(x: float, y: float, radius: float = 0.18) -> bool:
    qx, qy = max(abs(x - 0.5) - (0.5 - radius), 0.0), max(abs(y - 0.5) - (0.5 - radius), 0.0)
    return qx * qx + qy * qy <= radius * radius


def _pixel(px: int, py: int, size: int, maskable: bool) -> bytes:
    scale = 0.8 if maskable else 1.0
    acc = [0.0, 0.0, 0.0, 0.0]
    for sy in SAMPLES:
        for sx in SAMPLES:
            x, y = (px + sx) / size, (py + sy) / size
            if not maskable and not _inside_rounded(x, y):
                continue
            part = _in_pin(x, y, scale)
            colour = WHITE if part == "pin" else YELLOW if part == "coast" else TEAL
            for i in range(3):
                acc[i] += colour[i]
            acc[3] += 255
    n = len(SAMPLES) ** 2
    alpha = acc[3] / n
    rgb = [round(acc[i] / (acc[3] / 255)) if acc[3] else 0 for i in range(3)]
    return bytes([*rgb, round(alpha)])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(size: int, maskable: bool) -> bytes:
    """The icon as PNG bytes (RGBA, 8 bits)."""
    rows = b"".join(b"\x00" + b"".join(_pixel(x, y, size, maskable) for x in range(size)) for y in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    chunks = _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 9)) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def main() -> None:
    """Write every icon next to this script."""
    for name, (size, maskable) in ICONS.items():
        (OUT_DIR / name).write_bytes(png(size, maskable))
        print(f"[icons] {name} {size}x{size}")


if __name__ == "__main__":
    main()
