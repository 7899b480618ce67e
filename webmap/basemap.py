"""The operator's basemap over HTTP: the PMTiles archive (range requests), its tiles and its TileJSON.

Only a local archive is served here; an XYZ URL template is drawn by the clients from its own host.
Nothing is registered when ``PETA_BASEMAP`` is empty, so the routes then answer 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, current_app, request, send_file
from flask.blueprints import BlueprintSetupState

from gis.basemap import MEDIA_TYPES, Basemap, open_basemap
from webmap.problems import NotFound

bp = Blueprint("basemap", __name__)

ARCHIVE_TYPE = "application/vnd.pmtiles"
CACHE_CONTROL = "public, max-age=86400"
RANGE_HEADERS = "ETag, Content-Range, Content-Length, Accept-Ranges"


@bp.record_once
def _open(state: BlueprintSetupState) -> None:
    settings = state.app.extensions["peta"].settings
    state.app.extensions["peta_basemap"] = open_basemap(settings.basemap, settings.basemap_attribution)


def current_basemap(app: Flask | None = None) -> Basemap | None:
    """The configured basemap of the app, or None."""
    return (app or current_app).extensions.get("peta_basemap")


def basemap_config(base_url: str) -> dict[str, Any] | None:
    """What a page map needs to draw the basemap, or None when there is none."""
    basemap = current_basemap()
    if basemap is None:
        return None
    return {"url": basemap.tile_url(base_url), "attribution": basemap.attribution, "kind": basemap.kind,
            "maxNativeZoom": basemap.max_zoom}


def _archive_basemap() -> Basemap:
    basemap = current_basemap()
    if basemap is None or basemap.archive is None:
        raise NotFound("no basemap archive is configured (PETA_BASEMAP)")
    return basemap


@bp.get("/basemap.pmtiles")
def get_archive() -> Response:
    """The whole archive, with HTTP range requests (PMTiles clients read it in parts)."""
    archive = _archive_basemap().archive
    assert archive is not None
    response = send_file(archive.path, mimetype=ARCHIVE_TYPE, conditional=True, max_age=86400)
    response.headers["Access-Control-Expose-Headers"] = RANGE_HEADERS
    return response


@bp.get("/basemap/<int:z>/<int:x>/<int:y>.<ext>")
def get_basemap_tile(z: int, x: int, y: int, ext: str) -> Response:
    """One tile of the archive, as stored; 204 where the archive has none."""
    archive = _archive_basemap().archive
    assert archive is not None
    if ext != archive.info.format:
        raise NotFound(f"the basemap's tiles are .{archive.info.format}, not .{ext}")
    data = archive.tile(z, x, y)
    if data is None:
        response = Response(status=204)
        del response.headers["Content-Type"]
    else:
        response = Response(data, mimetype=MEDIA_TYPES[archive.info.format])
        if archive.info.encoding:  # vector tiles stay compressed as stored; the client inflates them
            response.headers["Content-Encoding"] = archive.info.encoding
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@bp.get("/basemap.json")
def get_basemap_tilejson() -> Response:
    """TileJSON 3.0.0 of the archive."""
    basemap = _archive_basemap()
    info = basemap.archive.info  # type: ignore[union-attr]
    base_url = request.url_root.rstrip("/")
    document: dict[str, Any] = {
        "tilejson": "3.0.0", "name": "basemap", "scheme": "xyz", "tiles": [basemap.tile_url(base_url)],
        "minzoom": info.min_zoom, "maxzoom": info.max_zoom, "bounds": list(info.bounds),
        "attribution": basemap.attribution, "format": info.format,
    }
    if info.vector_layers:
        document["vector_layers"] = info.vector_layers
    return current_app.response_class(current_app.json.dumps(document), mimetype="application/json")


# A vector archive is drawn with a few plain layers of the Protomaps basemap schema (the usual OpenStreetMap
# extract): those of its layers the archive has, under the economic layers.
VECTOR_DRAWING: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("earth", "fill", {"fill-color": "#f3f1ea"}),
    ("landuse", "fill", {"fill-color": "#e3ead7", "fill-opacity": 0.7}),
    ("water", "fill", {"fill-color": "#aad3df"}),
    ("buildings", "fill", {"fill-color": "#ddd6cf"}),
    ("roads", "line", {"line-color": "#ffffff", "line-width": 1.2}),
)


def style_parts(base_url: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """The MapLibre source and layers of the basemap, or None when there is none."""
    basemap = current_basemap()
    if basemap is None:
        return None
    if basemap.kind == "raster":
        source = {"type": "raster", "tiles": [basemap.tile_url(base_url)], "tileSize": 256,
                  "maxzoom": basemap.max_zoom, "attribution": basemap.attribution}
        return source, [{"id": "basemap", "type": "raster", "source": "basemap"}]
    assert basemap.archive is not None
    present = {layer.get("id") for layer in basemap.archive.info.vector_layers}
    layers = [{"id": f"basemap-{name}", "type": kind, "source": "basemap", "source-layer": name, "paint": paint,
               **({"filter": ["==", ["geometry-type"], "Polygon"]} if kind == "fill" else {})}
              for name, kind, paint in VECTOR_DRAWING if name in present]
    return {"type": "vector", "url": f"{base_url}/basemap.json", "attribution": basemap.attribution}, layers
