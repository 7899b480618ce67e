"""A small map image of a producer or an opportunity, drawn from our own data (no tiles, no other host).

1200 x 630 px, the Open Graph size of a link preview: the land of the regency, the desa and kecamatan
boundaries around the place (PostGIS ``areas``), their names, the marker, and a band with the place's name.
The view is the bounding box of the place's kecamatan (Web Mercator, padded, widened to the image's shape).
Shapes are drawn at twice the size and scaled down (smooth lines); text goes on after, at full size. The font is
DejaVu Sans, the one the map labels use (``webmap.glyphs.FONTS``). Callers cache the bytes (``gis.tiles.TileCache``).
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PIL import Image, ImageColor, ImageDraw, ImageFont
from sqlalchemy import Connection, text

from gis import profiles
from gis.layers import LAYERS
from gis.places import Place

WIDTH, HEIGHT = 1200, 630
EARTH_RADIUS = 6378137.0  # m, of the spherical Web Mercator (EPSG:3857)
COLOURS = 128  # of the palette PNG: a quarter of the bytes of a full-colour one, no visible loss
BAND = 112  # px: the title band at the bottom
PAD = 36  # px around the kecamatan inside the map area
SCALE = 2  # shapes drawn at twice the size, then scaled down
CLIP_MARGIN = 0.05  # share of the view's width added around it before clipping the areas
NEAR_DEG = 0.02  # half-size of the view of a place without an area (about 2 km)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # the map labels' font (webmap.glyphs.FONTS)
FONT_REGULAR, FONT_BOLD = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
OUTSIDE = (226, 228, 226)  # beyond the regency's land: sea or a neighbouring regency (we hold neither)
LAND = (246, 243, 234)
PLACE_FILL = (255, 224, 178)
DESA_LINE, KECAMATAN_LINE, REGENCY_LINE = (176, 190, 197), (96, 125, 139), (38, 50, 56)
BAND_FILL, BAND_TEXT, BAND_MUTED = (0, 105, 92), (255, 255, 255), (178, 223, 219)
# The marker in the colour of the place's layer on the maps (the registry's style).
MARKERS = {"producer": ImageColor.getrgb(LAYERS["producers"].style.color),
           "opportunity": ImageColor.getrgb(LAYERS["opportunities"].style.color)}
LABEL_TEXT, HALO = (38, 50, 56), (255, 255, 255)

_SHAPES_SQL = text(
    "WITH view AS (SELECT ST_MakeEnvelope(:w, :s, :e, :n, 4326) AS box) "
    "SELECT code, name, level, ST_AsBinary(ST_SimplifyPreserveTopology(ST_ClipByBox2D(geom, box), :tolerance)) "
    "AS wkb, ST_X(label_point) AS lx, ST_Y(label_point) AS ly FROM areas, view "
    "WHERE level IN ('kabupaten', 'kecamatan', 'desa') AND geom && box "
    "ORDER BY CASE level WHEN 'kabupaten' THEN 0 WHEN 'desa' THEN 1 ELSE 2 END, code"
)


@dataclass(frozen=True)
class View:
    """Web Mercator metres of the image's left and top edges, and metres per pixel."""

    left: float
    top: float
    metres_per_px: float

    def pixel(self, lon: float, lat: float, scale: int = 1) -> tuple[float, float]:
        """The image pixel of a WGS84 point (at ``scale`` times the image size)."""
        x, y = mercator(lon, lat)
        return float(x - self.left) / self.metres_per_px * scale, float(self.top - y) / self.metres_per_px * scale

    def pixels(self, coords: np.ndarray, scale: int = 1) -> list[tuple[float, float]]:
        """The image pixels of an array of WGS84 points (lon, lat rows), at ``scale`` times the image size."""
        x, y = mercator(coords[:, 0], coords[:, 1])
        px = (x - self.left) / self.metres_per_px * scale
        py = (self.top - y) / self.metres_per_px * scale
        return list(zip(px.tolist(), py.tolist(), strict=True))

    def bbox(self) -> tuple[float, float, float, float]:
        """West, south, east, north of the map area (WGS84)."""
        west, north = lonlat(self.left, self.top)
        east, south = lonlat(self.left + WIDTH * self.metres_per_px, self.top - (HEIGHT - BAND) * self.metres_per_px)
        return west, south, east, north


def mercator(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Spherical Web Mercator (EPSG:3857) metres of WGS84 points (numbers or numpy arrays)."""
    return np.radians(lon) * EARTH_RADIUS, np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS


def lonlat(x: float, y: float) -> tuple[float, float]:
    """WGS84 of Web Mercator metres."""
    return math.degrees(x / EARTH_RADIUS), math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS)) - math.pi / 2)


def fit_view(bbox: Sequence[float], lon: float, lat: float) -> View:
    """The view that shows ``bbox`` (and the point) whole in the map area, padded, centred on the bbox."""
    west, south, east, north = min(bbox[0], lon), min(bbox[1], lat), max(bbox[2], lon), max(bbox[3], lat)
    x1, y1 = mercator(west, south)
    x2, y2 = mercator(east, north)
    area_w, area_h = WIDTH - 2 * PAD, HEIGHT - BAND - 2 * PAD
    metres_per_px = max((x2 - x1) / area_w, (y2 - y1) / area_h, 1.0)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    return View(cx - WIDTH / 2 * metres_per_px, cy + (HEIGHT - BAND) / 2 * metres_per_px, metres_per_px)


def place_view(conn: Connection, place: Place) -> View:
    """The view of the place's kecamatan without its far islands (as its profile's map opens), else of a few km
    around the point."""
    assert place.lon is not None and place.lat is not None
    area = place.area("kecamatan") or place.area("desa")
    box = profiles.view_bbox(conn, area.code) if area else None
    if box is None:
        box = (place.lon - NEAR_DEG, place.lat - NEAR_DEG, place.lon + NEAR_DEG, place.lat + NEAR_DEG)
    return fit_view(box, place.lon, place.lat)


@functools.lru_cache(maxsize=8)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans at ``size`` px; Pillow's own font when DejaVu is not installed."""
    path = FONT_BOLD if bold else FONT_REGULAR
    return ImageFont.truetype(str(path), size) if path.is_file() else ImageFont.load_default(size)


def _rings(geom: shapely.Geometry) -> Iterable[tuple[np.ndarray, bool]]:
    """Every ring of a (multi)polygon, with whether it is a hole."""
    for polygon in getattr(geom, "geoms", [geom]):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        yield shapely.get_coordinates(polygon.exterior), False
        for hole in polygon.interiors:
            yield shapely.get_coordinates(hole), True


def _draw_area(draw: ImageDraw.ImageDraw, view: View, geom: shapely.Geometry, fill: tuple[int, int, int] | None,
               line: tuple[int, int, int] | None, width: int, hole_fill: tuple[int, int, int]) -> None:
    for coords, hole in _rings(geom):
        points = view.pixels(coords, SCALE)
        if len(points) < 3:
            continue
        if fill is not None:
            draw.polygon(points, fill=hole_fill if hole else fill)
        if line is not None:
            draw.line([*points, points[0]], fill=line, width=width * SCALE)


def draw_shapes(conn: Connection, place: Place, view: View) -> tuple[Image.Image, list[tuple[str, float, float]]]:
    """The land, desa and kecamatan of the view at ``SCALE``; the kecamatan names with their label points."""
    west, south, east, north = view.bbox()
    tolerance = (east - west) / WIDTH / 2  # half a pixel, in degrees
    # Clipped a little outside the view: the cut edges stay off the image.
    margin = (east - west) * CLIP_MARGIN
    rows = conn.execute(_SHAPES_SQL, {"w": west - margin, "s": south - margin, "e": east + margin,
                                      "n": north + margin, "tolerance": tolerance}).all()
    image = Image.new("RGB", (WIDTH * SCALE, (HEIGHT - BAND) * SCALE), OUTSIDE)
    draw = ImageDraw.Draw(image)
    shapes = [(row, shapely.from_wkb(row.wkb)) for row in rows if row.wkb is not None]
    own = {a.code for a in place.areas}
    for row, geom in shapes:
        if row.level == "kabupaten":
            _draw_area(draw, view, geom, LAND, None, 0, OUTSIDE)
    for row, geom in shapes:
        if row.level == "desa":
            _draw_area(draw, view, geom, PLACE_FILL if row.code in own else None, DESA_LINE, 1, LAND)
    for level, colour, width in (("kecamatan", KECAMATAN_LINE, 2), ("kabupaten", REGENCY_LINE, 3)):
        for row, geom in shapes:
            if row.level == level:
                _draw_area(draw, view, geom, None, colour, width, LAND)
    names = [(row.name, row.lx, row.ly) for row, _ in shapes if row.level == "kecamatan" and row.lx is not None]
    return image, names


def _draw_labels(draw: ImageDraw.ImageDraw, view: View, names: Iterable[tuple[str, float, float]]) -> None:
    label_font = font(20, bold=True)
    for name, lon, lat in names:
        x, y = view.pixel(lon, lat)
        half = draw.textlength(name.upper(), font=label_font) / 2 + 4
        if half < x < WIDTH - half and 16 < y < HEIGHT - BAND - 16:  # whole names only
            draw.text((x, y), name.upper(), font=label_font, fill=LABEL_TEXT, anchor="mm", stroke_width=3,
                      stroke_fill=HALO)


def _draw_marker(draw: ImageDraw.ImageDraw, x: float, y: float, colour: tuple[int, int, int]) -> None:
    draw.ellipse((x - 22, y - 22, x + 22, y + 22), fill=(255, 255, 255))
    draw.ellipse((x - 16, y - 16, x + 16, y + 16), fill=colour)
    draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=(255, 255, 255))


def _fitted(draw: ImageDraw.ImageDraw, text_: str, face: ImageFont.FreeTypeFont | ImageFont.ImageFont,
            width: int) -> str:
    """``text_`` cut with an ellipsis to ``width`` px."""
    if draw.textlength(text_, font=face) <= width:
        return text_
    while text_ and draw.textlength(text_ + "…", font=face) > width:
        text_ = text_[:-1]
    return text_.rstrip() + "…"


def _draw_band(draw: ImageDraw.ImageDraw, title: str, subtitle: str, site: str) -> None:
    top = HEIGHT - BAND
    draw.rectangle((0, top, WIDTH, HEIGHT), fill=BAND_FILL)
    title_font, small = font(44, bold=True), font(24)
    site_width = int(draw.textlength(site, font=small))
    draw.text((PAD, top + 14), _fitted(draw, title, title_font, WIDTH - 2 * PAD), font=title_font, fill=BAND_TEXT)
    draw.text((PAD, top + 72), _fitted(draw, subtitle, small, WIDTH - 3 * PAD - site_width), font=small,
              fill=BAND_MUTED)
    draw.text((WIDTH - PAD - site_width, top + 72), site, font=small, fill=BAND_TEXT)


def render(conn: Connection, place: Place, title: str, subtitle: str, site: str) -> bytes:
    """The PNG of ``place``: its surroundings, the marker, and a band with ``title``, ``subtitle`` and ``site``."""
    image = Image.new("RGB", (WIDTH, HEIGHT), OUTSIDE)
    if place.lon is not None and place.lat is not None:
        view = place_view(conn, place)
        shapes, names = draw_shapes(conn, place, view)
        image.paste(shapes.reduce(SCALE), (0, 0))  # a box filter: each pixel the mean of its 2 x 2
        draw = ImageDraw.Draw(image)
        _draw_labels(draw, view, names)
        _draw_marker(draw, *view.pixel(place.lon, place.lat), MARKERS.get(place.kind, MARKERS["producer"]))
    draw = ImageDraw.Draw(image)
    _draw_band(draw, title, subtitle, site)
    out = io.BytesIO()
    image.quantize(COLOURS, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", compress_level=6)
    return out.getvalue()
