"""Glyphs for the text labels of MapLibre maps: DejaVu Sans as signed distance fields, in ranges of 256.

MapLibre asks for ``{fontstack}/{start}-{end}.pbf``: a ``glyphs`` protobuf message with one ``fontstack``
(name, range) that holds a ``glyph`` per code point the font has (id, bitmap, width, height, left, top,
advance). As Mapbox's node-fontnik (sdf-glyph-foundry) makes them, a glyph is drawn at 24 px with a 3 px border:
its bitmap has ``(width + 6) * (height + 6)`` bytes, rows from the top, and each byte tells how far the pixel's
centre lies from the outline, 32 steps a pixel: the outline is where the bytes pass 192, larger inside.

``scripts/setup.sh`` runs ``python -m webmap.glyphs`` to write the ranges of ``BUILT_RANGES`` for every font of
``FONTS`` (Debian's fonts-dejavu-core) into the settings' ``glyphs_dir`` (``var/glyphs``, git-ignored);
``webmap/fonts.py`` serves them.
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass
from math import comb
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gis.settings import Settings

if TYPE_CHECKING:  # FreeType is loaded by the build only: the app serves the files
    import freetype

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS: dict[str, Path] = {  # font stack name (fixed: the style's symbol layers use them) -> font file
    "DejaVu Sans Book": DEJAVU_DIR / "DejaVuSans.ttf",
    "DejaVu Sans Bold": DEJAVU_DIR / "DejaVuSans-Bold.ttf",
}
RANGE_SIZE = 256
LAST_CODE_POINT = 0xFFFF  # MapLibre asks for the Basic Multilingual Plane only
BUILT_RANGES = (0, 256, 512, 8192)  # starts: Basic Latin, Latin-1, Latin Extended-A/B and IPA, punctuation
FONT_SIZE = 24  # px; MapLibre scales from it
BUFFER = 3  # px of border around each bitmap
RADIUS = 8  # px of distance spanned by the 256 byte values
CUTOFF = 0.25  # share of that span outside the outline: the edge is at 256 * (1 - 0.25) = 192
ASCENT = 25  # px; MapLibre's shaping places the baseline for a font of this ascender at 24 px (DIN Pro)
TOLERANCE = 0.05  # px: largest gap between a curve and the straight pieces that stand for it

_RANGE = re.compile(r"(\d{1,5})-(\d{1,5})")


@dataclass(frozen=True)
class Glyph:
    """One glyph of a range, in pixels at ``FONT_SIZE``; ``bitmap`` is empty for a glyph with no ink."""

    code_point: int
    width: int
    height: int
    left: int
    top: int  # top of the ink above the baseline, less ASCENT
    advance: int
    bitmap: bytes


def parse_range(text: str) -> int:
    """The first code point of a range named like ``256-511``; ValueError unless it is one MapLibre asks for."""
    match = _RANGE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a glyph range: START-END, e.g. 0-255")
    start, end = int(match[1]), int(match[2])
    if start % RANGE_SIZE or end != start + RANGE_SIZE - 1 or end > LAST_CODE_POINT:
        raise ValueError(f"{text!r} is not a glyph range: 256 code points from a multiple of 256, up to 65535")
    return start


def range_name(start: int) -> str:
    """The name of the range that begins at ``start``: ``0-255``."""
    return f"{start}-{start + RANGE_SIZE - 1}"


def range_path(directory: Path, fontstack: str, start: int) -> Path:
    """Where the range of ``fontstack`` beginning at ``start`` is written."""
    return directory / fontstack / f"{range_name(start)}.pbf"


def open_face(path: Path) -> freetype.Face:
    """A FreeType face of the font file at ``path``, sized to ``FONT_SIZE`` pixels."""
    import freetype

    face = freetype.Face(str(path))
    face.set_char_size(FONT_SIZE * 64)  # 26.6 fixed point, at 72 dpi: points are pixels
    return face


def render_glyph(face: freetype.Face, code_point: int) -> Glyph | None:
    """The signed distance field of one character, or None when the font has no glyph for it."""
    import freetype

    if not face.get_char_index(code_point):
        return None
    face.load_char(code_point, freetype.FT_LOAD_NO_HINTING | freetype.FT_LOAD_NO_BITMAP)
    advance = round(face.glyph.metrics.horiAdvance / 64)
    rings = _outline_rings(face.glyph.outline)
    if not rings:
        return Glyph(code_point, 0, 0, 0, 0, advance, b"")
    points = np.concatenate(rings)
    left, bottom = np.round(points.min(axis=0)).astype(int)
    right, top = np.round(points.max(axis=0)).astype(int)
    width, height = int(right - left), int(top - bottom)
    if width == 0 or height == 0:
        return Glyph(code_point, 0, 0, 0, 0, advance, b"")
    bitmap = _distance_field(rings, int(left) - BUFFER, int(top) + BUFFER, width + 2 * BUFFER, height + 2 * BUFFER)
    return Glyph(code_point, width, height, int(left), int(top) - ASCENT, advance, bitmap)


def _outline_rings(outline: freetype.Outline) -> list[np.ndarray]:
    """The closed contours of an outline as arrays of points in pixels, curves cut into straight pieces."""
    rings: list[list[np.ndarray]] = []

    def move_to(to: freetype.FT_Vector, _: object) -> int:
        rings.append([np.array([[to.x, to.y]], dtype=float) / 64])
        return 0

    def curve_to(*args: Any) -> int:  # line_to(to, ctx), conic_to(c, to, ctx), cubic_to(c1, c2, to, ctx)
        ring = rings[-1]
        controls = np.array([ring[-1][-1], *[(v.x / 64, v.y / 64) for v in args[:-1]]])
        ring.append(_flatten(controls))
        return 0

    outline.decompose(None, move_to=move_to, line_to=curve_to, conic_to=curve_to, cubic_to=curve_to)
    closed = []
    for pieces in rings:
        ring = np.concatenate(pieces)
        if len(ring) > 2:
            closed.append(np.vstack([ring, ring[:1]]) if (ring[0] != ring[-1]).any() else ring)
    return closed


def _flatten(controls: np.ndarray) -> np.ndarray:
    """Points along a Bézier curve (line, conic or cubic) from its start, within TOLERANCE; without the start.

    A curve of degree n is cut into k even pieces, k from the bound on its distance to the chords:
    max |B''| / (8 k²), where max |B''| <= n (n - 1) max |P[i] - 2 P[i+1] + P[i+2]|.
    """
    degree = len(controls) - 1
    pieces = 1
    if degree > 1:
        bend = np.linalg.norm(controls[:-2] - 2 * controls[1:-1] + controls[2:], axis=1).max()
        pieces = max(1, int(np.ceil(np.sqrt(degree * (degree - 1) * bend / (8 * TOLERANCE)))))
    t = np.linspace(0, 1, pieces + 1)[1:, None]
    weights = [comb(degree, i) * (1 - t) ** (degree - i) * t**i for i in range(degree + 1)]
    return sum(w * p for w, p in zip(weights, controls, strict=True))


def _distance_field(rings: list[np.ndarray], x0: int, y0: int, width: int, height: int) -> bytes:
    """The bytes of a ``width`` x ``height`` field whose top-left pixel has its corner at (x0, y0).

    byte = 255 - clamp(d * 256 / RADIUS + 256 * CUTOFF), d the distance of the pixel's centre from the
    outline, negative inside (non-zero winding, as TrueType fills).
    """
    a = np.concatenate([ring[:-1] for ring in rings])
    b = np.concatenate([ring[1:] for ring in rings])
    xs, ys = np.meshgrid(x0 + 0.5 + np.arange(width), y0 - 0.5 - np.arange(height))
    p = np.stack([xs.ravel(), ys.ravel()], axis=1)[:, None, :]  # pixels x 1 x 2, against segments
    edge = b - a
    length2 = np.maximum((edge**2).sum(axis=1), 1e-12)
    t = np.clip(((p - a) * edge).sum(axis=2) / length2, 0, 1)
    distance = np.sqrt((((a + t[..., None] * edge) - p) ** 2).sum(axis=2).min(axis=1))
    py = p[..., 1]
    side = edge[:, 0] * (py - a[:, 1]) - (p[..., 0] - a[:, 0]) * edge[:, 1]  # > 0: pixel left of the segment
    upward = (a[:, 1] <= py) & (b[:, 1] > py) & (side > 0)
    downward = (a[:, 1] > py) & (b[:, 1] <= py) & (side < 0)
    inside = (upward.sum(axis=1) - downward.sum(axis=1)) != 0
    signed = np.where(inside, -distance, distance)
    steps = np.clip(np.trunc(signed * 256 / RADIUS + 256 * CUTOFF), 0, 255)
    return (255 - steps).astype(np.uint8).tobytes()


# --- the protobuf message, written by hand ------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, value: int | bytes | str, signed: bool = False) -> bytes:
    """One field: varint (zigzag when ``signed``) for numbers, length-delimited for bytes and strings."""
    if isinstance(value, int):
        return _varint(number << 3) + _varint((value << 1) ^ (value >> 31) if signed else value)
    data = value.encode() if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def encode_glyph(glyph: Glyph) -> bytes:
    """The ``glyph`` message of one glyph."""
    return b"".join([
        _field(1, glyph.code_point),
        _field(2, glyph.bitmap) if glyph.bitmap else b"",
        _field(3, glyph.width), _field(4, glyph.height),
        _field(5, glyph.left, signed=True), _field(6, glyph.top, signed=True),
        _field(7, glyph.advance),
    ])


def encode_range(fontstack: str, start: int, glyphs: list[Glyph]) -> bytes:
    """The ``glyphs`` message of one range of one font stack (no glyph at all is a valid, empty range)."""
    stack = _field(1, fontstack) + _field(2, range_name(start)) + b"".join(_field(3, encode_glyph(g)) for g in glyphs)
    return _field(1, stack)


def build_range(face: freetype.Face, fontstack: str, start: int) -> bytes:
    """The ``glyphs`` message of the range beginning at ``start``, with every glyph the face has there."""
    found = (render_glyph(face, code_point) for code_point in range(start, start + RANGE_SIZE))
    return encode_range(fontstack, start, [g for g in found if g is not None])


def write_glyphs(directory: Path, fonts: dict[str, Path] = FONTS,
                 starts: tuple[int, ...] = BUILT_RANGES) -> list[Path]:
    """Write every range of every font into ``directory/{fontstack}/{range}.pbf``; returns the files."""
    written = []
    for fontstack, font_path in fonts.items():
        face = open_face(font_path)
        for start in starts:
            path = range_path(directory, fontstack, start)
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(".part")
            part.write_bytes(build_range(face, fontstack, start))
            os.replace(part, path)  # the app may be reading the previous file
            written.append(path)
    return written


if __name__ == "__main__":
    began = time.perf_counter()
    target = Settings.from_env().glyphs_dir  # where the app reads them (PETA_GLYPHS_DIR)
    files = write_glyphs(target)
    print(f"[glyphs] {len(files)} ranges of {len(FONTS)} fonts written to {target} "
          f"in {time.perf_counter() - began:.1f} s", file=sys.stderr)
