"""The Web Mercator tiles that cover an area: what an offline package holds and what a phone saves.

One rule for both (``covering_tiles``): from ``minzoom`` to ``maxzoom``, the tiles whose envelope meets the
area's polygon (not its bounding box: a coastal kecamatan leaves out the open sea around it) or, when
``layers`` are given, one of their features (a point placed outside its area's polygon, a site reaching
beyond it). Candidates are the tiles over the bounding box of both, zoom by zoom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlalchemy import Connection, text

from gis.layers import Layer

Bounds = tuple[float, float, float, float]  # west, south, east, north (WGS84)
MAX_LATITUDE = 85.0511287798066

_AREA_BOUNDS = text("SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM areas "
                    "WHERE code = :code AND NOT ST_IsEmpty(geom)")


def tile_index(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The x, y (XYZ, y down) of the tile holding ``lon``, ``lat`` at zoom ``z``."""
    side = 1 << z
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = (lon + 180.0) / 360.0 * side
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * side
    return min(side - 1, max(0, int(x))), min(side - 1, max(0, int(y)))


def extent(conn: Connection, layers: Sequence[Layer]) -> Bounds | None:
    """West, south, east, north of the features of ``layers``, None when there is none."""
    if not layers:
        return None
    boxes = " UNION ALL ".join(f"SELECT ST_Extent({layer.geom_sql}) AS e FROM {layer.source} WHERE {layer.where}"
                               for layer in layers)
    row = conn.execute(text(f"SELECT ST_XMin(ST_Extent(e)), ST_YMin(ST_Extent(e)), ST_XMax(ST_Extent(e)), "
                            f"ST_YMax(ST_Extent(e)) FROM ({boxes}) b")).one()
    return None if row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def _union(boxes: Sequence[Bounds | None]) -> Bounds | None:
    found = [box for box in boxes if box is not None]
    if not found:
        return None
    return (min(b[0] for b in found), min(b[1] for b in found), max(b[2] for b in found), max(b[3] for b in found))


def covering_tiles(conn: Connection, code: str, minzoom: int, maxzoom: int,
                   layers: Sequence[Layer] = ()) -> list[tuple[int, int, int]]:
    """The z/x/y of the tiles from ``minzoom`` to ``maxzoom`` meeting area ``code`` or a feature of ``layers``,
    by zoom, x, y; none for an area with an empty polygon and no features."""
    row = conn.execute(_AREA_BOUNDS, {"code": code}).one_or_none()
    area_box = None if row is None or row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
    bounds = _union([area_box, extent(conn, layers)])
    if bounds is None:
        return []
    meets = "".join(f" OR EXISTS (SELECT 1 FROM {layer.source} WHERE {layer.where} "
                    f"AND ST_Intersects({layer.geom_sql}, env.e))" for layer in layers)
    sql = text("SELECT x, y FROM generate_series(CAST(:x0 AS int), :x1) x "
               "CROSS JOIN generate_series(CAST(:y0 AS int), :y1) y "
               "CROSS JOIN LATERAL (SELECT ST_Transform(ST_TileEnvelope(:z, x, y), 4326) AS e) env "
               f"WHERE ST_Intersects(env.e, (SELECT geom FROM areas WHERE code = :code)){meets} ORDER BY x, y")
    tiles: list[tuple[int, int, int]] = []
    for z in range(minzoom, maxzoom + 1):
        x0, y0 = tile_index(bounds[0], bounds[3], z)
        x1, y1 = tile_index(bounds[2], bounds[1], z)
        rows = conn.execute(sql, {"z": z, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "code": code})
        tiles.extend((z, int(x), int(y)) for x, y in rows)
    return tiles
