"""Glyphs of the map's text labels over HTTP: ``/fonts/{fontstack}/{start}-{end}.pbf``, the style's ``glyphs``.

The ranges are built at set-up by ``webmap/glyphs.py`` into the settings' ``glyphs_dir`` (``PETA_GLYPHS_DIR``).
MapLibre joins the fonts of a ``text-font`` with commas: the first of them that this app has answers. A valid
range that was not built answers an empty message, so that clients log no error for it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

from webmap import current
from webmap.glyphs import FONTS, encode_range, parse_range, range_path
from webmap.problems import NotFound

bp = Blueprint("fonts", __name__)

GLYPHS_MIMETYPE = "application/x-protobuf"
GLYPHS_CACHE_CONTROL = "public, max-age=604800"  # a week: they change only when set-up rebuilds them; ETag too


def read_glyphs(directory: Path, fontstacks: list[str], start: int) -> bytes:
    """The built range of the first of ``fontstacks`` that has it, else an empty range of the first."""
    for fontstack in fontstacks:
        path = range_path(directory, fontstack, start)
        if path.is_file():
            return path.read_bytes()
    return encode_range(fontstacks[0], start, [])


@bp.get("/fonts/<fontstack>/<glyph_range>.pbf")
def get_glyphs(fontstack: str, glyph_range: str) -> Response:
    """One range of 256 glyphs of the first known font of a comma-separated font stack."""
    try:
        start = parse_range(glyph_range)
    except ValueError as exc:
        raise NotFound(str(exc)) from None
    known = [name for name in (part.strip() for part in fontstack.split(",")) if name in FONTS]
    if not known:
        raise NotFound(f"no font stack {fontstack!r}; fonts: {', '.join(FONTS)}")
    directory = current.settings().glyphs_dir
    response = Response(read_glyphs(directory, known, start), mimetype=GLYPHS_MIMETYPE)
    response.headers["Cache-Control"] = GLYPHS_CACHE_CONTROL
    return response
