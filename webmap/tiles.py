"""Vector tiles over HTTP: ``/tiles/{layer}/{z}/{x}/{y}.pbf``, TileJSON and a MapLibre style.

The tiles, their fields and the drawing come from the layer registry (``gis/layers.py``); the SQL lives in
``gis/tiles.py``. Query parameters other than ``lang`` are attribute filters of the layer (``?sector=C``);
the producers' ``area_code`` takes a kabupaten, kecamatan or desa code and keeps the producers inside it.

Composite tiles carry several layers in one MVT: ``/tiles/kecamatan,desa,producers/{z}/{x}/{y}.pbf`` and
``/tiles/kecamatan,desa,producers.json``. Each layer is exactly its single tile, except that a layer is left out
below its TileJSON ``minzoom`` (where a client would not ask for its own tile). The list is read in any order
and served in the registry's (the same bytes and cache entry); a filter names its layer, ``layer.prop=value``
(``agriculture.commodity=padi``); an unqualified filter is a 400, as it would be ambiguous.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask.blueprints import BlueprintSetupState

from gis.filters import property_filters
from gis.i18n import t
from gis.layers import LAYERS, RAMPS, Label, Layer
from gis.profiles import view_bbox
from gis.tiles import (
    ATTRIBUTION,
    COUNT_FIELD,
    MAX_COMPOSITE_LAYERS,
    TILEJSON_MAX_ZOOM,
    Choropleth,
    TileCache,
    TilePart,
    check_tile,
    choropleth_default,
    layer_bounds,
    policy_for,
    tilejson_minzoom,
    vector_layer,
)
from webmap import current
from webmap.basemap import style_parts
from webmap.current import engine as _engine
from webmap.params import parse_lang
from webmap.problems import ApiError, NotFound

bp = Blueprint("tiles", __name__)

TILE_MIMETYPE = "application/vnd.mapbox-vector-tile"
TILE_CACHE_CONTROL = "public, max-age=300"
WORLD_BOUNDS = (-180.0, -85.0511287798066, 180.0, 85.0511287798066)
DEFAULT_CENTER = (108.2, -6.43, 9)
COMPOSITE_SOURCE = "economy"  # the style's one source of the layers drawn together


@bp.record_once
def _init_cache(state: BlueprintSetupState) -> None:
    mb = state.app.extensions["peta"].settings.tile_cache_mb
    state.app.extensions["peta_tiles"] = TileCache(int(mb * 2**20))


def _cache(app: Flask) -> TileCache:
    return app.extensions["peta_tiles"]


def get_layer(layer_id: str) -> Layer:
    """The registry layer ``layer_id``, or a 404 naming the layers there are."""
    layer = LAYERS.get(layer_id)
    if layer is None:
        raise NotFound(f"no tile layer {layer_id!r}; layers: {', '.join(LAYERS)}")
    return layer


def read_filters(layer: Layer, args: Mapping[str, str], ignore: tuple[str, ...] = ()) -> dict[str, str]:
    """The attribute filters of the query string, checked against the registry (400 when unknown)."""
    filters = {k: v for k, v in args.items() if k not in ignore}
    property_filters(layer, filters)  # a QueryError is a 400 (webmap/problems.py)
    return filters


def get_layers(spec: str) -> list[Layer]:
    """The layers of a comma-separated list, in registry order and once each; a 404 naming the unknown ones."""
    ids = spec.split(",")
    unknown = [layer_id for layer_id in ids if layer_id not in LAYERS]
    if unknown:
        raise NotFound(f"no tile layer {', '.join(map(repr, unknown))}; layers: {', '.join(LAYERS)}")
    layers = [layer for layer_id, layer in LAYERS.items() if layer_id in ids]
    if len(layers) > MAX_COMPOSITE_LAYERS:
        raise ApiError(f"at most {MAX_COMPOSITE_LAYERS} layers in a composite tile, got {len(layers)}")
    return layers


def read_composite_filters(layers: list[Layer], args: Mapping[str, str],
                           ignore: tuple[str, ...] = ()) -> dict[str, dict[str, str]]:
    """The filters of a composite, by layer id: ``layer.prop=value``, checked against the registry (400)."""
    by_layer: dict[str, dict[str, str]] = {layer.id: {} for layer in layers}
    for key, value in args.items():
        if key in ignore:
            continue
        layer_id, dot, prop = key.partition(".")
        if not dot or not prop:
            raise ApiError(f"{key!r}: a filter of a composite tile names its layer, as layer.{key}=value")
        if layer_id not in by_layer:
            raise ApiError(f"{key!r}: {layer_id!r} is not a layer of this tile ({', '.join(by_layer)})")
        by_layer[layer_id][prop] = value
    for layer in layers:
        property_filters(layer, by_layer[layer.id])  # a QueryError is a 400 (webmap/problems.py)
    return by_layer


def _tile_response(data: bytes | None) -> Response:
    if data is None:
        response = Response(status=204)
        del response.headers["Content-Type"]
    else:
        response = Response(data, mimetype=TILE_MIMETYPE)
    response.headers["Cache-Control"] = TILE_CACHE_CONTROL
    return response


@bp.get("/tiles/<layer_id>/<int:z>/<int:x>/<int:y>.pbf")
def get_tile(layer_id: str, z: int, x: int, y: int) -> Response:
    """One Mapbox Vector Tile, of one layer or several (``a,b,c``); 204 when the tile holds no feature."""
    if "," in layer_id:
        return _composite_tile(layer_id, z, x, y)
    layer = get_layer(layer_id)
    check_tile(z, x, y)  # a TileNotFound is a 404 (webmap/problems.py)
    filters = read_filters(layer, request.args)
    return _tile_response(_cache(current_app).get_tile(_engine(), layer, z, x, y, filters))


def _composite_tile(spec: str, z: int, x: int, y: int) -> Response:
    layers = get_layers(spec)
    check_tile(z, x, y)
    filters = read_composite_filters(layers, request.args)
    parts: list[TilePart] = [(layer, filters[layer.id]) for layer in layers if z >= tilejson_minzoom(layer)]
    return _tile_response(_cache(current_app).get_composite(_engine(), parts, z, x, y))


def _base_url() -> str:
    return request.url_root.rstrip("/")


def _with_query(url: str, params: Mapping[str, str]) -> str:
    return f"{url}?{urlencode(sorted(params.items()))}" if params else url


def _bounds(layer: Layer, filters: Mapping[str, str]) -> tuple[float, float, float, float] | None:
    key = ("bounds", layer.id, tuple(sorted(filters.items())))
    engine = _engine()
    return _cache(current_app).get_or_make(engine, key, lambda: layer_bounds(engine, layer, filters))


def build_tilejson(layer: Layer, base_url: str, filters: Mapping[str, str], lang: str,
                   bounds: tuple[float, float, float, float] | None) -> dict[str, Any]:
    """TileJSON 3.0.0 of one layer: absolute tile URL (filters kept), fields from the registry, data bounds."""
    description = layer.description(lang)
    if layer.is_points and policy_for(layer).aggregate_below:
        below = policy_for(layer).aggregate_below
        description += " " + t("tiles.grid_below", lang, zoom=below, field=COUNT_FIELD)
    url = f"{base_url}/tiles/{quote(layer.id)}/{{z}}/{{x}}/{{y}}.pbf"
    return _tilejson(layer.title(lang), description, _with_query(url, filters), [layer], lang, bounds)


def _tilejson(name: str, description: str, url: str, layers: list[Layer], lang: str,
              bounds: tuple[float, float, float, float] | None) -> dict[str, Any]:
    vector_layers = [vector_layer(layer, lang) for layer in layers]
    minzoom = min(v["minzoom"] for v in vector_layers)
    maxzoom = max(v["maxzoom"] for v in vector_layers)
    west, south, east, north = bounds or WORLD_BOUNDS
    center_zoom = max(minzoom, DEFAULT_CENTER[2]) if bounds else minzoom
    return {
        "tilejson": "3.0.0",
        "name": name,
        "description": description,
        "version": "1.0.0",
        "attribution": ATTRIBUTION,
        "scheme": "xyz",
        "tiles": [url],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": [west, south, east, north],
        "center": [round((west + east) / 2, 6), round((south + north) / 2, 6), center_zoom],
        "vector_layers": vector_layers,
    }


def composite_query(filters: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The query string of a composite's filters: ``layer.prop=value``."""
    return {f"{layer_id}.{name}": value for layer_id, own in filters.items() for name, value in own.items()}


def composite_path(layers: list[Layer]) -> str:
    """The layer list of a composite's URL, commas kept."""
    return quote(",".join(layer.id for layer in layers), safe=",")


def build_composite_tilejson(layers: list[Layer], base_url: str, filters: Mapping[str, Mapping[str, str]],
                             lang: str, bounds: tuple[float, float, float, float] | None) -> dict[str, Any]:
    """TileJSON 3.0.0 of a composite: every layer in ``vector_layers``, zooms and bounds their union."""
    url = f"{base_url}/tiles/{composite_path(layers)}/{{z}}/{{x}}/{{y}}.pbf"
    name = " + ".join(layer.title(lang) for layer in layers)
    description = "; ".join(layer.description(lang) for layer in layers)
    return _tilejson(name, description, _with_query(url, composite_query(filters)), layers, lang, bounds)


def _union(boxes: list[tuple[float, float, float, float] | None]) -> tuple[float, float, float, float] | None:
    found = [box for box in boxes if box is not None]
    if not found:
        return None
    return (min(b[0] for b in found), min(b[1] for b in found), max(b[2] for b in found), max(b[3] for b in found))


@bp.get("/tiles/<layer_id>.json")
def get_tilejson(layer_id: str) -> Response:
    """TileJSON 3.0.0 for one layer or a composite (``a,b,c``); its filters carry over into the tile URL."""
    lang = parse_lang(request.args, request.headers.get("Accept-Language"))
    if "," in layer_id:
        layers = get_layers(layer_id)
        by_layer = read_composite_filters(layers, request.args, ignore=("lang",))
        bounds = _union([_bounds(layer, by_layer[layer.id]) for layer in layers])
        return jsonify(build_composite_tilejson(layers, _base_url(), by_layer, lang, bounds))
    layer = get_layer(layer_id)
    filters = read_filters(layer, request.args, ignore=("lang",))
    return jsonify(build_tilejson(layer, _base_url(), filters, lang, _bounds(layer, filters)))


# --- the MapLibre style -------------------------------------------------------------------------------


def _circle_layer(layer: Layer) -> dict[str, Any]:
    style = layer.style
    color, radius = style.color or "#e65100", style.radius
    fill: Any = color
    if style.color_by and style.palette:  # by the value of a property (producers: their KBLI section)
        fill = ["match", ["coalesce", ["get", style.color_by], ""], *[v for kv in style.palette.items() for v in kv],
                color]
    size: Any = radius
    if layer.is_points:  # grid cells grow with the points they stand for, within their 16 px spacing
        size = ["case", ["has", COUNT_FIELD],
                ["interpolate", ["linear"], ["get", COUNT_FIELD], 1, 2.5, 10, 4, 100, 5.5, 1000, 7, 10000, 8],
                radius]
    curated = not policy_for(layer).aggregate_below  # the few hand-kept points stand out from producers
    return {
        "type": "circle",
        "filter": ["==", ["geometry-type"], "Point"],
        "paint": {"circle-color": fill, "circle-radius": size, "circle-opacity": 0.85,
                  "circle-stroke-color": "#263238" if curated else "#ffffff",
                  "circle-stroke-width": 2 if curated else 1},
    }


# Font stacks of the symbol layers, served by /fonts (webmap/fonts.py): bold for the kecamatan, book for the rest.
LABEL_FONTS = {True: ["DejaVu Sans Bold"], False: ["DejaVu Sans Book"]}
LABEL_HALO = "rgba(255, 255, 255, 0.92)"
LABEL_PADDING = 3  # px kept clear around each label by MapLibre's collision checks
LABEL_SHIFT_EM = 0.4  # an area's name may move above or below its point by this much (and half its height)


def _label_layer(layer: Layer, label: Label, lang: str, source: str) -> dict[str, Any]:
    """A symbol layer naming the features of ``layer`` as ``label`` declares; MapLibre leaves out colliding ones."""
    text = label.text(lang)
    field: Any = ["get", text] if text == label.text_id else ["coalesce", ["get", text], ["get", label.text_id]]
    layout: dict[str, Any] = {
        "text-field": field, "text-font": LABEL_FONTS[label.bold], "text-size": label.size, "text-max-width": 8,
        "text-allow-overlap": False, "text-ignore-placement": False, "text-padding": LABEL_PADDING,
        "visibility": "visible",
    }
    if label.sort:  # the first of a level (most populous) is placed first
        layout["symbol-sort-key"] = ["coalesce", ["get", label.sort], 1_000_000]
    if label.caps:
        layout.update({"text-transform": "uppercase", "text-letter-spacing": 0.06})
    if label.beside:  # right of the symbol, or left when the right is taken; clear of the circle and its stroke
        radius = layer.style.radius + 2 + 3
        layout.update({"text-variable-anchor": ["left", "right"], "text-radial-offset": round(radius / label.size, 2),
                       "text-justify": "auto"})
    else:  # on the area's point, or just above or below it when a neighbour's name is there already
        layout.update({"text-variable-anchor": ["center", "bottom", "top"], "text-radial-offset": LABEL_SHIFT_EM})
    # Points only: a polygon would be labelled once per tile it crosses (areas have their label points).
    condition: list[Any] = [["==", ["geometry-type"], "Point"]]
    if label.only:
        condition.append(["==", ["get", label.only[0]], label.only[1]])
    spec: dict[str, Any] = {
        "id": f"label-{label.id}", "type": "symbol", "source": source, "source-layer": layer.id,
        "minzoom": label.min_zoom, "filter": ["all", *condition], "layout": layout,
        "paint": {"text-color": label.color, "text-halo-color": LABEL_HALO, "text-halo-width": 1.6,
                  "text-halo-blur": 0.4},
        "metadata": {"peta:title": layer.title(lang), "peta:label": label.id, "peta:priority": label.priority},
    }
    if label.max_zoom < 24:
        spec["maxzoom"] = label.max_zoom
    return spec


def _choropleth_layer(layer: Layer, choropleth: Choropleth | None) -> dict[str, Any]:
    colors = layer.style.ramp_colors or RAMPS["YlGn"]
    color: Any = colors[len(colors) // 2]
    if choropleth and choropleth.breaks:
        steps = [v for pair in zip(choropleth.breaks, colors[1:], strict=False) for v in pair]
        color = ["step", ["coalesce", ["get", choropleth.measure], 0], colors[0], *steps]
    return {"type": "fill", "paint": {"fill-color": color, "fill-opacity": 0.75, "fill-outline-color": "#ffffff"}}


def _style_layers(layer: Layer, choropleth: Choropleth | None) -> list[dict[str, Any]]:
    """Style layers of one registry layer (without id/source), each with its draw order."""
    style = layer.style
    found: list[dict[str, Any]] = []
    if style.ramp:
        found.append({"order": 0, **_choropleth_layer(layer, choropleth)})
    if style.fill:
        found.append({"order": 1, "type": "fill", "paint": {"fill-color": style.fill, "fill-opacity": 0.3}})
    if style.line:
        found.append({"order": 2, "type": "line", "layout": {"line-join": "round"},
                      "paint": {"line-color": style.line, "line-width": style.width}})
    if style.color:
        if not layer.is_points:  # mixed geometries (opportunities): areas as fills as well
            found.append({"order": 1, "type": "fill", "filter": ["==", ["geometry-type"], "Polygon"],
                          "paint": {"fill-color": style.color, "fill-opacity": 0.35,
                                    "fill-outline-color": style.color}})
        found.append({"order": 3, **_circle_layer(layer)})
    return found


def build_style(base_url: str, lang: str, choropleths: Mapping[str, Choropleth | None],
                center: tuple[float, float, float] = DEFAULT_CENTER,
                basemap: tuple[dict[str, Any], list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """A MapLibre style (v8) drawing every registry layer from its TileJSON; glyphs from /fonts, no sprites."""
    sources, source_of = _sources(base_url, lang, choropleths)
    drawn: list[tuple[int, int, dict[str, Any]]] = []
    first_choropleth = True
    for index, layer in enumerate(LAYERS.values()):
        choropleth = choropleths.get(layer.id)
        for spec in _style_layers(layer, choropleth):
            order = spec.pop("order")
            suffix = spec["type"]
            visible = True
            if order == 0:  # one choropleth at a time: the first is shown, the others can be switched on
                visible, first_choropleth = first_choropleth, False
            spec.setdefault("layout", {})["visibility"] = "visible" if visible else "none"
            # finer boundaries under coarser ones; many producers under the few curated points
            rank = -layer.min_zoom if order == 2 else (-1 if layer.is_points and layer.id in _large() else index)
            drawn.append((order, rank, {
                "id": f"{layer.id}-{suffix}", "source": source_of[layer.id], "source-layer": layer.id,
                "minzoom": min(layer.min_zoom, TILEJSON_MAX_ZOOM), **spec,
                "metadata": {"peta:title": layer.title(lang), **_legend(choropleth)},
            }))
        # names over everything; the first placed (kecamatan) last in the list, as MapLibre places top down
        drawn += [(4, -label.priority, _label_layer(layer, label, lang, source_of[layer.id]))
                  for label in layer.labels]
    layers = [{"id": "background", "type": "background", "paint": {"background-color": "#f3f1ea"}}]
    if basemap:  # the operator's basemap (PETA_BASEMAP) under everything else
        sources["basemap"], base_layers = basemap
        layers += base_layers
    layers += [spec for _, _, spec in sorted(drawn, key=lambda item: (item[0], item[1]))]
    return {
        "version": 8,
        "name": t("site.title", lang),
        "metadata": {"peta:lang": lang, "peta:attribution": ATTRIBUTION},
        "center": [center[0], center[1]],
        "zoom": center[2],
        "glyphs": f"{base_url}/fonts/{{fontstack}}/{{range}}.pbf",
        "sources": sources,
        "layers": layers,
    }


def composite_layers() -> list[Layer]:
    """The layers the style draws from its one composite source: every layer shown at once (all but the
    choropleths switched off, which keep their own sources and load only when switched on)."""
    shown = next((layer.id for layer in LAYERS.values() if layer.style.ramp), None)
    together = [layer for layer in LAYERS.values() if not layer.style.ramp or layer.id == shown]
    return together[:MAX_COMPOSITE_LAYERS]


def _sources(base_url: str, lang: str, choropleths: Mapping[str, Choropleth | None]
             ) -> tuple[dict[str, Any], dict[str, str]]:
    """The style's sources (the composite first) and the source of each registry layer."""
    extra = {"lang": lang} if lang != "id" else {}
    together = composite_layers()
    together = together if len(together) > 1 else []  # one layer: its own source, below
    filters = {layer.id: dict(c.filters) for layer in together if (c := choropleths.get(layer.id))}
    query = {**composite_query(filters), **extra}
    url = f"{base_url}/tiles/{composite_path(together)}.json"
    sources: dict[str, Any] = {COMPOSITE_SOURCE: {"type": "vector", "url": _with_query(url, query)}} if together else {}
    source_of = {layer.id: COMPOSITE_SOURCE for layer in together}
    for layer in LAYERS.values():
        if layer.id in source_of:
            continue
        choropleth = choropleths.get(layer.id)
        query = {**(choropleth.filters if choropleth else {}), **extra}
        sources[layer.id] = {"type": "vector", "url": _with_query(f"{base_url}/tiles/{quote(layer.id)}.json", query)}
        source_of[layer.id] = layer.id
    return sources, source_of


def _large() -> tuple[str, ...]:
    return tuple(layer_id for layer_id in LAYERS if policy_for(LAYERS[layer_id]).aggregate_below)


def _legend(choropleth: Choropleth | None) -> dict[str, Any]:
    if choropleth is None:
        return {}
    return {"peta:filters": choropleth.filters, "peta:measure": choropleth.measure, "peta:breaks": choropleth.breaks}


def _choropleths() -> dict[str, Choropleth | None]:
    engine = _engine()
    cache = _cache(current_app)
    return {layer.id: cache.get_or_make(engine, ("choropleth", layer.id), lambda lyr=layer: choropleth_default(
        engine, lyr)) for layer in LAYERS.values() if layer.style.ramp}


def _center() -> tuple[float, float, float]:
    """The middle of the regency's first view (the pages' too: its far islands left out)."""
    engine, region = _engine(), current.settings().region_code
    bounds = _cache(current_app).get_or_make(engine, ("view", region), lambda: _view_bbox(engine, region))
    if bounds is None:
        return DEFAULT_CENTER
    west, south, east, north = bounds
    return round((west + east) / 2, 6), round((south + north) / 2, 6), DEFAULT_CENTER[2]


def _view_bbox(engine: Any, code: str) -> tuple[float, float, float, float] | None:
    with engine.connect() as conn:
        return view_bbox(conn, code)


@bp.get("/styles/economy.json")
def get_style() -> Response:
    """The MapLibre style of the economic map (``?lang=en`` for English names)."""
    lang = parse_lang(request.args, request.headers.get("Accept-Language"))
    return jsonify(build_style(_base_url(), lang, _choropleths(), _center(), style_parts(_base_url())))
