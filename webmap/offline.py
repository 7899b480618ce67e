"""The save plan of "Simpan untuk offline": ``GET /api/v1/offline/<area_code>?minzoom=8&maxzoom=15``.

It answers what a phone fetches to keep an area (a kecamatan, a desa or the whole regency) for offline use,
and how large that is, before anything is downloaded:

* ``tiles``: one URL pattern, the composite tile of every map layer (``map_layers``: the registry's layers but
  the statistical ones, which the pages draw as choropleths over the area layers, from ``/api/v1/stats``), and
  the z/x/y of every tile from ``minzoom`` to ``maxzoom`` that intersects the area's polygon. Their size is
  estimated per zoom from up to ``SAMPLE_PER_ZOOM`` tiles rendered now (exact where a zoom has no more tiles
  than that): the mean size of the sample times the count. The samples stay in the tile cache for the download.
* ``records``: the area's producers, opportunities and fish auctions (TPI), and the area's own production rows
  (the statistical layers: the charts of its page), as GeoJSON pages of OGC API Features
  (``/ogc/collections/<layer>/items?area_code=...&limit=10000``; ``?filter=area_code='...'`` for the rows), their
  count, and their size (exact up to ``gis.offline.SAMPLE_FEATURES`` features, else a sampled mean times the count).
* ``resources``: the area's page and profile and the producer finder (not measured: ``bytes`` null), and the
  basemap's tiles of the same z/x/y (sizes exact) when the operator serves a local archive. The pages draw their
  labels with Leaflet: neither the MapLibre style nor its glyphs (0.75 MB) are saved.

The service worker keeps what the page downloads in a cache of its own per area (``webmap/templates/sw.js``).
The plan costs a few small queries and at most ``SAMPLE_PER_ZOOM`` tiles per zoom: it counts in the ``reads``
bucket of ``webmap.limits``; the tiles it lists are free there, the record pages are reads.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify
from flask import request as flask_request

from gis import offline
from gis.layers import LAYERS, Layer
from gis.tile_cover import covering_tiles
from gis.tiles import TILEJSON_MAX_ZOOM, TilePart, data_version, tilejson_minzoom
from webmap.basemap import current_basemap
from webmap.current import engine as _engine
from webmap.ogc_params import MAX_LIMIT as RECORDS_PAGE
from webmap.params import AREA_CODES, BadParameter, Param, Spec, integer, string
from webmap.problems import NotFound

bp = Blueprint("offline", __name__)

DEFAULT_MINZOOM = 8
DEFAULT_MAXZOOM = 15
MAX_ZOOM_CHOICES = (13, 14, 15)  # what the "Simpan untuk offline" panel offers
MAX_TILES = 20_000  # a plan listing more asks for a lower maxzoom
SAMPLE_PER_ZOOM = 4
PAGES = ("/produk",)  # pages saved with every area, besides the area's own
ESTIMATE = (f"tiles: per zoom, the mean size of up to {SAMPLE_PER_ZOOM} tiles rendered now times the count (exact "
            f"where a zoom has no more); records: GeoJSON features measured (exact up to {offline.SAMPLE_FEATURES}, "
            "else their mean size times the count); basemap tiles: their size; pages: not counted")

PLAN = Spec(
    Param("area_code", string(13, AREA_CODES, "a Kemendagri code such as 32.12 or 32.12.16"),
          "Kemendagri code of the area to save: the kabupaten, a kecamatan or a desa.", where="path",
          example="32.12.16"),
    Param("minzoom", integer(0, TILEJSON_MAX_ZOOM), "Lowest zoom of the tiles.", default=DEFAULT_MINZOOM),
    Param("maxzoom", integer(0, TILEJSON_MAX_ZOOM), "Highest zoom of the tiles (the panel offers 13, 14, 15).",
          default=DEFAULT_MAXZOOM),
)


def map_layers() -> list[Layer]:
    """The layers the pages draw from tiles, in registry order: all but the statistical ones."""
    return [layer for layer in LAYERS.values() if layer.stats is None]


def tile_template(layers: list[Layer]) -> str:
    """The one URL pattern of the saved tiles: the composite of ``layers``, unfiltered."""
    return "/tiles/" + ",".join(layer.id for layer in layers) + "/{z}/{x}/{y}.pbf"


def _tile_size(layers: list[Layer], z: int, x: int, y: int) -> int:
    parts: list[TilePart] = [(layer, {}) for layer in layers if z >= tilejson_minzoom(layer)]
    data = current_app.extensions["peta_tiles"].get_composite(_engine(), parts, z, x, y)
    return len(data) if data else 0


def _sample(items: list[Any], k: int) -> list[Any]:
    """``k`` items spread evenly over ``items`` (all of them when there are no more)."""
    if len(items) <= k:
        return items
    return [items[round(i * (len(items) - 1) / (k - 1))] for i in range(k)]


def tile_block(layers: list[Layer], xyz: list[tuple[int, int, int]]) -> dict[str, Any]:
    """The tiles of the plan: URL pattern, count per zoom, the z/x/y, and their estimated size."""
    per_zoom: dict[int, dict[str, Any]] = {}
    for z, count in sorted(Counter(z for z, _, _ in xyz).items()):
        sample = _sample([t for t in xyz if t[0] == z], SAMPLE_PER_ZOOM)
        sizes = [_tile_size(layers, *t) for t in sample]
        exact = len(sample) == count
        per_zoom[z] = {"tiles": count, "bytes": sum(sizes) if exact else round(sum(sizes) / len(sizes) * count),
                       "exact": exact}
    return {"url": tile_template(layers), "layers": [layer.id for layer in layers], "count": len(xyz),
            "bytes": sum(p["bytes"] for p in per_zoom.values()),
            "estimate": "exact" if all(p["exact"] for p in per_zoom.values()) else "sampled",
            "per_zoom": {str(z): p for z, p in per_zoom.items()}, "xyz": [list(t) for t in xyz]}


def records_urls(layer_id: str, code: str, count: int) -> list[str]:
    """The OGC API pages holding the records of ``layer_id`` saved with ``code`` (``gis.offline.records_selection``:
    inside the area, or its own rows as a CQL2 filter, the one the pages send)."""
    select = {"filter": f"area_code='{code}'"} if offline.own_rows(layer_id) else {"area_code": code}
    pages = max(1, math.ceil(count / RECORDS_PAGE))
    return [f"/ogc/collections/{layer_id}/items?" + urlencode(
        {**select, "limit": RECORDS_PAGE, **({"offset": i * RECORDS_PAGE} if i else {})}) for i in range(pages)]


def record_block(records: offline.Records, code: str) -> dict[str, Any]:
    """One layer's records in the plan."""
    return {"layer": records.layer, "count": records.count, "count_exact": records.count_exact,
            "bytes": records.bytes, "estimate": "exact" if records.bytes_exact else "sampled",
            "urls": records_urls(records.layer, code, records.count)}


def resources(code: str, xyz: list[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """Pages, profile and basemap tiles saved with the area (``bytes`` None: not measured)."""
    found: list[dict[str, Any]] = [{"url": url, "bytes": None} for url in (
        f"/wilayah/{code}", f"/api/v1/areas/{code}", *PAGES)]
    basemap = current_basemap()
    if basemap is not None and basemap.archive is not None:
        info = basemap.archive.info
        found.append({"url": "/basemap.json", "bytes": None})
        for z, x, y in xyz:
            if info.min_zoom <= z <= info.max_zoom and (data := basemap.archive.tile(z, x, y)) is not None:
                found.append({"url": f"/basemap/{z}/{x}/{y}.{info.format}", "bytes": len(data)})
    return found


@bp.get("/api/v1/offline/<area_code>")
def plan(area_code: str) -> Response:
    """What saving the area for offline use fetches, and its estimated size."""
    fields = PLAN.parse(flask_request.args, {"area_code": area_code})
    minzoom, maxzoom = fields["minzoom"], fields["maxzoom"]
    if minzoom > maxzoom:
        raise BadParameter(f"minzoom ({minzoom}) must not be above maxzoom ({maxzoom})")
    engine = _engine()
    with engine.connect() as conn:
        area = offline.find_area(conn, area_code)
        if area is None:
            raise NotFound(f"no area has the code {area_code!r}")
        xyz = covering_tiles(conn, area_code, minzoom, maxzoom)
        if len(xyz) > MAX_TILES:
            raise BadParameter(f"{len(xyz)} tiles from zoom {minzoom} to {maxzoom}, more than {MAX_TILES}: "
                               "choose a lower maxzoom")
        records = [offline.layer_records(conn, LAYERS[layer_id], area_code) for layer_id in offline.record_layers()
                   if layer_id in LAYERS]
    tiles = tile_block(map_layers(), xyz)
    extra = resources(area_code, xyz)
    record_blocks = [record_block(r, area_code) for r in records]
    known = sum(r["bytes"] for r in extra if r["bytes"] is not None)
    return jsonify({
        "area": {"code": area.code, "name": area.name, "level": area.level,
                 "bbox": list(area.bbox) if area.bbox else None},
        "data_version": data_version(engine), "minzoom": minzoom, "maxzoom": maxzoom,
        "max_zoom_choices": list(MAX_ZOOM_CHOICES),
        "tiles": tiles, "records": record_blocks, "resources": extra,
        "bytes": tiles["bytes"] + sum(r["bytes"] for r in record_blocks) + known,
        "estimate": ESTIMATE,
    })
