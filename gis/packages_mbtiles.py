"""The MBTiles 1.3 file of an offline package: every layer of an area as vector tiles, one MVT per tile.

Each tile is the composite tile the map serves (``gis.tiles.composite_tile``: every layer exactly as its own
tile, left out below its TileJSON ``minzoom``), gzip-compressed, in TMS row order. Tiles are those that
meet the area's geometry or one of its features (``gis.tile_cover``);
a rendered tile that is empty is left out. The ``metadata`` table carries name, format,
bounds, center, zooms, attribution, description, version, type and ``json`` with the TileJSON
``vector_layers`` (``gis.tiles.vector_layer``). MapLibre Native, QGIS and GDAL's MBTiles driver read it.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from gis.i18n import t
from gis.layers import Layer
from gis.tile_cover import Bounds, covering_tiles, extent
from gis.tiles import ATTRIBUTION, MAX_COMPOSITE_LAYERS, composite_tile, tilejson_minzoom, vector_layer

if TYPE_CHECKING:
    from gis.packages import PackageArea, Progress

_SCHEMA = """
CREATE TABLE metadata (name TEXT NOT NULL, value TEXT);
CREATE UNIQUE INDEX metadata_name ON metadata (name);
CREATE TABLE tiles (zoom_level INTEGER NOT NULL, tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL,
                    tile_data BLOB NOT NULL);
CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);
"""


def render(engine: Engine, layers: Sequence[Layer], z: int, x: int, y: int) -> bytes | None:
    """The MVT of tile z/x/y with every layer shown at ``z`` (several composites joined past the limit)."""
    shown = [(layer, None) for layer in layers if z >= tilejson_minzoom(layer)]
    groups = [shown[i:i + MAX_COMPOSITE_LAYERS] for i in range(0, len(shown), MAX_COMPOSITE_LAYERS)]
    data = b"".join(composite_tile(engine, group, z, x, y) or b"" for group in groups)
    return data or None


def vector_layers(layers: Sequence[Layer], zooms: tuple[int, int], lang: str) -> list[dict[str, Any]]:
    """The TileJSON ``vector_layers`` of ``layers``, their zooms within the package's."""
    found = []
    for layer in layers:
        entry = vector_layer(layer, lang)
        maxzoom = min(max(entry["maxzoom"], zooms[0]), zooms[1])
        entry.update(minzoom=min(max(entry["minzoom"], zooms[0]), maxzoom), maxzoom=maxzoom)
        found.append(entry)
    return found


def metadata(area: PackageArea, layers: Sequence[Layer], zooms: tuple[int, int], bounds: Bounds, version: str,
             lang: str = "id") -> dict[str, str]:
    """The rows of the MBTiles ``metadata`` table."""
    west, south, east, north = bounds
    level = t(f"level.{area.level}", lang)
    center_zoom = min(zooms[1], max(zooms[0], 10 if area.level == "kecamatan" else 9))
    return {
        "name": f"Peta Ekonomi - {level} {area.name}",
        "format": "pbf",
        "bounds": ",".join(f"{v:.6f}" for v in bounds),
        "center": f"{(west + east) / 2:.6f},{(south + north) / 2:.6f},{center_zoom}",
        "minzoom": str(zooms[0]),
        "maxzoom": str(zooms[1]),
        "attribution": ATTRIBUTION,
        "description": f"{level} {area.name} ({area.code}): " + "; ".join(layer.title(lang) for layer in layers)
                       + f". Data version {version}.",
        "version": "1",
        "type": "overlay",
        "json": json.dumps({"vector_layers": vector_layers(layers, zooms, lang)}, ensure_ascii=False),
        "peta:area_code": area.code,
        "peta:data_version": version,
    }


def _rendered(engine: Engine, layers: Sequence[Layer], tiles: list[tuple[int, int, int]],
              progress: Progress | None) -> Iterator[tuple[int, int, int, bytes]]:
    """Each non-empty tile, gzip-compressed, its row in TMS order (y up)."""
    for done, (z, x, y) in enumerate(tiles, start=1):
        data = render(engine, layers, z, x, y)
        if data:
            yield z, x, (1 << z) - 1 - y, gzip.compress(data, mtime=0)
        if progress:
            progress(done, len(tiles))


def write_mbtiles(engine: Engine, path: Path, area: PackageArea, layers: Sequence[Layer], zooms: tuple[int, int],
                  version: str, progress: Progress | None = None) -> int:
    """Write the MBTiles of ``layers`` (restricted to ``area``) at ``zooms`` to ``path``; the count of tiles."""
    if not 0 <= zooms[0] <= zooms[1] <= 22:
        raise ValueError(f"zooms must satisfy 0 <= minzoom <= maxzoom <= 22, got {zooms}")
    with engine.connect() as conn:
        bounds = extent(conn, layers)
        tiles = covering_tiles(conn, area.code, zooms[0], zooms[1], layers) if bounds else []
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        rows = db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", _rendered(engine, layers, tiles, progress))
        count = rows.rowcount
        meta = metadata(area, layers, zooms, bounds or (0.0, 0.0, 0.0, 0.0), version)
        db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
        db.commit()
    finally:
        db.close()
    if progress and not tiles:
        progress(0, 0)
    return count
