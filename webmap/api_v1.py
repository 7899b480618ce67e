"""REST v1 at ``/api/v1``: area profiles, producer search, choropleth statistics, opportunities, exports.

Parsing and HTTP live here; the work is done by ``gis.profiles``, ``gis.search``,
``gis.stats`` and ``gis.exports``, which return plain data. The OpenAPI document of
these routes is built here too, from the same constants the parsers use; it takes in the
analysis endpoints (``webmap.analysis_api``) and the stewards' uploads (``webmap.openapi_uploads``).
"""

from __future__ import annotations

import html
import mimetypes
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request

from gis import exports, profiles, search, stats
from gis.area_codes import AREA_CODE, is_inside
from gis.features import Selection
from gis.kbli import SECTIONS
from gis.layers import LAYERS, Layer
from webmap import analysis_api, openapi_uploads
from webmap.current import allow_only as _allow
from webmap.current import api_lang as _lang
from webmap.current import data_memo
from webmap.current import engine as _engine
from webmap.http import stream_export
from webmap.params import (
    BadParameter,
    parse_bbox,
    parse_bool,
    parse_choice,
    parse_float,
    parse_int,
    parse_point,
    parse_year_interval,
)
from webmap.problems import NotFound

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")

OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"
EXPORT_FORMATS = tuple(exports.FORMATS)
DOC_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
              "favicon-16x16.png", "favicon-32x32.png")
MAX_OFFSET = 10_000




# --------------------------------------------------------------------------- helpers


def _text(name: str, max_length: int = 200) -> str | None:
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if len(value) > max_length:
        raise BadParameter(f"{name} must be at most {max_length} characters")
    return value


def _area() -> str | None:
    """The ``area`` parameter: a Kemendagri code (kabupaten, kecamatan or desa), or None."""
    code = _text("area", 20)
    if code is not None and not AREA_CODE.fullmatch(code):
        raise BadParameter(f"area must be a Kemendagri code such as 32.12 or 32.12.16; got {code!r}")
    return code


def _link(rel: str, href: str, mime: str = "application/json", title: str | None = None) -> dict[str, str]:
    link = {"rel": rel, "href": href, "type": mime}
    if title:
        link["title"] = title
    return link


def _url(path: str, args: Mapping[str, Any] | None = None) -> str:
    root = request.host_url.rstrip("/")
    query = urlencode({k: v for k, v in (args or {}).items() if v not in (None, "")})
    return f"{root}{path}" + (f"?{query}" if query else "")


@bp.before_request
def _no_nul() -> None:
    """PostgreSQL text cannot hold NUL: refuse it up front with a clear message."""
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise BadParameter("parameters must not contain NUL characters")


# --------------------------------------------------------------------------- routes


@bp.get("")
@bp.get("/")
def landing() -> Response:
    """Links to every REST v1 endpoint and to the API documents."""
    _allow("lang")
    lang = _lang()
    return jsonify({
        "title": "Peta Ekonomi REST API v1",
        "description": ("Profil wilayah, pencarian produsen, statistik, peluang investasi, ekspor" if lang == "id"
                        else "Area profiles, producer search, statistics, investment opportunities, exports"),
        "links": [
            _link("self", _url("/api/v1")),
            _link("service-desc", _url("/api/v1/openapi.json"), OPENAPI_TYPE),
            _link("service-doc", _url("/api/v1/docs"), "text/html"),
            _link("producers", _url("/api/v1/producers"), "application/geo+json"),
            _link("opportunities", _url("/api/v1/opportunities"), "application/geo+json"),
            _link("area", _url("/api/v1/areas/32.12")),
        ],
    })


@bp.get("/areas/<code>")
def area(code: str) -> Response:
    """Profile of a kabupaten, kecamatan or desa."""
    _allow("lang")
    lang = _lang()
    profile = profiles.area_profile(_engine(), code, lang, data_memo())
    links = [_link("self", _url(f"/api/v1/areas/{code}", {"lang": request.args.get("lang")})),
             _link("producers", _url("/api/v1/producers", {"area": code}), "application/geo+json"),
             _link("opportunities", _url("/api/v1/opportunities", {"area": code}), "application/geo+json"),
             _link("page", _url(f"/wilayah/{code}"), "text/html")]
    if profile["level"] in ("kabupaten", "kecamatan", "desa"):
        links.append(_link("item", _url(f"/ogc/collections/{profile['level']}/items/{code}"), "application/geo+json"))
    if profile["parent"]:
        links.append(_link("up", _url(f"/api/v1/areas/{profile['parent']['code']}")))
    for child in profile["children"]:
        child["href"] = _url(f"/api/v1/areas/{child['code']}")
    return jsonify({**profile, "links": links})


@bp.get("/producers")
def producers() -> Response:
    """Search producers by text, sector, tag, area and distance; keyset paging with ``cursor``."""
    _allow("q", "sector", "tag", "area", "near", "radius", "limit", "cursor", "lang")
    near = parse_point(request.args.get("near"))
    radius = parse_float(request.args.get("radius"), "radius", minimum=1, maximum=search.MAX_RADIUS_M)
    if radius is not None and near is None:
        raise BadParameter("radius needs near=lon,lat")
    query = search.ProducerQuery(
        q=_text("q", search.MAX_QUERY_LENGTH), sector=_text("sector", 1), tag=_text("tag", 64),
        area=_text("area", 20), near=near, radius_m=radius or search.DEFAULT_RADIUS_M,
        limit=parse_int(request.args.get("limit"), "limit", default=search.DEFAULT_LIMIT, minimum=1,
                        maximum=search.MAX_LIMIT),
        cursor=_text("cursor", 200),
    )
    body = search.search_producers(_engine(), query, _lang())
    args = {k: v for k, v in request.args.items() if k != "cursor"}
    links = [_link("self", _url("/api/v1/producers", request.args), "application/geo+json")]
    if body["next_cursor"]:
        links.append(_link("next", _url("/api/v1/producers", {**args, "cursor": body["next_cursor"]}),
                           "application/geo+json"))
    response = jsonify({**body, "links": links})
    response.mimetype = "application/geo+json"
    return response


@bp.get("/stats/<dataset>")
def statistics(dataset: str) -> Response:
    """Choropleth values per area with class breaks; ``f=`` exports them."""
    if dataset not in stats.DATASETS:
        raise NotFound(f"no statistics called {dataset!r}; use one of {', '.join(stats.DATASETS)}")
    subject_param = stats.DATASETS[dataset].subject_param
    _allow(subject_param, "year", "level", "measure", "method", "classes", "geometry", "area", "lang", "f")
    fmt = parse_choice(request.args.get("f"), "f", ("json", *EXPORT_FORMATS), default="json")
    query = stats.StatsQuery(
        dataset=dataset, subject=_text(subject_param, 64),
        year=parse_int(request.args.get("year"), "year", default=0, minimum=1900, maximum=2100) or None,
        level=parse_choice(request.args.get("level"), "level", stats.LEVELS, default="kecamatan"),
        measure=parse_choice(request.args.get("measure"), "measure", tuple(stats.DATASETS[dataset].measures)),
        method=parse_choice(request.args.get("method"), "method", stats.METHODS, default="quantiles"),
        classes=parse_int(request.args.get("classes"), "classes", default=stats.DEFAULT_CLASSES,
                          minimum=stats.MIN_CLASSES, maximum=stats.MAX_CLASSES),
        geometry=parse_bool(request.args.get("geometry"), "geometry") or fmt in ("geojson", "gpkg"),
    )
    area = _area()
    result = stats.choropleth(_engine(), query, _lang())
    if area:  # the classes stay those of the whole level, as on the map
        result = {**result, "values": [v for v in result["values"] if is_inside(v["code"], area)]}
    if fmt != "json":
        return stream_export(exports.stats_export(result, fmt))
    return jsonify(result)


@bp.get("/opportunities")
def opportunities() -> Response:
    """Investment opportunities filtered by sector, status, readiness, area and value."""
    _allow("sector", "status", "readiness", "area", "min_value", "max_value", "limit", "offset", "lang")
    query = search.OpportunityQuery(
        sector=_text("sector", 64), status=_text("status", 32), readiness=_text("readiness", 32),
        area=_text("area", 20),
        min_value=parse_float(request.args.get("min_value"), "min_value", minimum=0),
        max_value=parse_float(request.args.get("max_value"), "max_value", minimum=0),
        limit=parse_int(request.args.get("limit"), "limit", default=100, minimum=1, maximum=500),
        offset=parse_int(request.args.get("offset"), "offset", default=0, minimum=0, maximum=MAX_OFFSET),
    )
    body = search.list_opportunities(_engine(), query, _lang())
    response = jsonify({**body, "links": [_link("self", _url("/api/v1/opportunities", request.args),
                                                "application/geo+json")]})
    response.mimetype = "application/geo+json"
    return response


@bp.get("/export/<layer_id>")
def export(layer_id: str) -> Response:
    """Download a registry layer as CSV, GeoJSON, GeoPackage or XLSX, with OGC-style filters."""
    layer = LAYERS.get(layer_id)
    if layer is None:
        raise NotFound(f"no layer called {layer_id!r}; layers: {', '.join(LAYERS)}")
    by_area = layer.prop("area_code") is not None
    _allow("f", "bbox", "lang", *(("datetime",) if layer.year_sql else ()), *(("area",) if by_area else ()),
           *layer.filters)
    fmt = parse_choice(request.args.get("f"), "f", EXPORT_FORMATS, default="csv") or "csv"
    years = parse_year_interval(request.args.get("datetime")) if layer.year_sql else None
    filters = {name: request.args[name] for name in layer.filters if request.args.get(name)}
    selection = Selection(parse_bbox(request.args.get("bbox")), filters, years, area=_area() if by_area else None)
    return stream_export(exports.export_layer(_engine(), layer, fmt, selection, lang=_lang()))


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.0 document of REST v1."""
    response = jsonify(openapi_document(_url("")))
    response.mimetype = "application/vnd.oai.openapi+json"
    return response


@bp.get("/docs")
def docs() -> Response:
    """Swagger UI from local assets, with a plain listing of the operations for readers without JavaScript."""
    rows = "".join(
        f"<li><code>{method.upper()} {html.escape(path)}</code> {html.escape(op['summary'])}</li>"
        for path, item in openapi_document("")["paths"].items() for method, op in item.items()
    )
    page = _DOCS_PAGE.format(rows=rows, assets="/api/v1/docs/assets", spec="/api/v1/openapi.json")
    return Response(page, mimetype="text/html")


@bp.get("/docs/assets/<name>")
def docs_asset(name: str) -> Response:
    """Swagger UI files shipped by the swagger-ui-bundle package (no CDN)."""
    if name not in DOC_ASSETS:
        raise NotFound(f"no documentation asset {name!r}")
    data, mimetype = _asset(name)
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@lru_cache(maxsize=len(DOC_ASSETS))
def _asset(name: str) -> tuple[bytes, str]:
    from swagger_ui_bundle import swagger_ui_path

    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return (Path(str(swagger_ui_path)) / name).read_bytes(), mimetype


_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Peta Ekonomi REST API v1</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{assets}/swagger-ui.css"><link rel="icon" href="{assets}/favicon-32x32.png">
</head><body>
<div id="swagger-ui"><noscript><h1>Peta Ekonomi REST API v1</h1>
<p>OpenAPI document: <a href="{spec}">{spec}</a></p><ul>{rows}</ul></noscript></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({{url: "{spec}", dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"}});</script>
</body></html>
"""


# --------------------------------------------------------------------------- OpenAPI


def _param(name: str, schema: dict[str, Any], description: str, where: str = "query",
           required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


_LANG = _param("lang", {"type": "string", "enum": ["id", "en"]}, "Language of labels (default id).")
# Patterns accept the empty string: an empty parameter (as HTML forms send) means "not given".
_AREA = _param("area", {"type": "string", "pattern": r"^(\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"},
               "Kemendagri code of a kabupaten, kecamatan or desa: only what lies inside it.")
_F_EXPORT = _param("f", {"type": "string", "enum": list(EXPORT_FORMATS), "default": "csv"}, "File format.")
_BBOX = _param("bbox", {"type": "string", "pattern": r"^(-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3})?$"},
               "minLon,minLat,maxLon,maxLat (WGS84).")
_JSON = "application/json"
_GEOJSON = "application/geo+json"
_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_FILES = {mime.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
          for mime, _ in exports.FORMATS.values()}
_FILES[_GEOJSON] = {"schema": {"$ref": "#/components/schemas/GeoJSONFile"}}
_TYPES = {"string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
          "boolean": {"type": "boolean"}, "array": {"type": "array", "items": {"type": "string"}}}


def _responses(ok: dict[str, Any], description: str = "OK", not_found: bool = True) -> dict[str, Any]:
    responses = {"200": {"description": description, "content": ok},
                 "400": {"description": "A parameter to fix", "content": _PROBLEM}}
    if not_found:
        responses["404"] = {"description": "No such resource or no data", "content": _PROBLEM}
    return responses


def _ref(name: str, mime: str = _JSON) -> dict[str, Any]:
    return {mime: {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _layer_properties(layer: Layer, extra: Mapping[str, Any]) -> dict[str, Any]:
    props = {p.name: _nullable(_TYPES[p.type]) for p in layer.properties}
    return {"type": "object", "properties": {**props, **extra}}


def _feature_collection(properties: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    feature = {"type": "object", "required": ["type", "id", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "integer"},
        "geometry": {"$ref": "#/components/schemas/Geometry"},
        "properties": {"$ref": f"#/components/schemas/{properties}"}}}
    return {"type": "object", "required": ["type", "features", "numberReturned", *extra], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]}, "features": {"type": "array", "items": feature},
        "numberReturned": {"type": "integer", "minimum": 0}, **extra,
        "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}}}


def _schemas() -> dict[str, Any]:
    text, num, integer = {"type": "string"}, {"type": "number"}, {"type": "integer"}
    code_name = {"type": "object", "required": ["code", "name"], "properties": {"code": text, "name": text,
                                                                                  "href": text}}
    return {
        "Problem": {"type": "object", "required": ["title", "status", "detail"], "properties": {
            "type": text, "title": text, "status": integer, "detail": text}},
        "Link": {"type": "object", "required": ["rel", "href"], "properties": {
            "rel": text, "href": text, "type": text, "title": text}},
        "Geometry": {"type": "object", "nullable": True, "required": ["type"], "properties": {
            "type": {"type": "string", "enum": ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                                                "MultiPolygon", "GeometryCollection"]},
            "coordinates": {"type": "array"}}},
        "GeoJSONFile": {"type": "object", "required": ["type", "features"], "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]}, "name": text,
            "features": {"type": "array", "items": {
                "type": "object", "required": ["type", "geometry", "properties"], "properties": {
                    "geometry": {"$ref": "#/components/schemas/Geometry"}, "properties": {"type": "object"}}}}}},
        "Landing": {"type": "object", "required": ["title", "links"], "properties": {
            "title": text, "description": text,
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}}},
        "ProducerProperties": _layer_properties(LAYERS["producers"], {
            "sector_label": _nullable(text), "area_name": _nullable(text), "distance_m": {**num, "minimum": 0}}),
        "ProducerCollection": _feature_collection("ProducerProperties", {"next_cursor": _nullable(text)}),
        "OpportunityProperties": _layer_properties(LAYERS["opportunities"], {
            "title": _nullable(text), "description": _nullable(text), "area_name": _nullable(text)}),
        "OpportunityCollection": _feature_collection("OpportunityProperties", {
            "numberMatched": {**integer, "minimum": 0}}),
        "AreaProfile": {"type": "object", "required": [
            "code", "name", "level", "parent", "population", "area_km2", "approximate", "top_commodities",
            "producers", "opportunities", "children", "links"], "properties": {
            "code": text, "bps_code": _nullable(text), "name": text,
            "level": {"type": "string", "enum": ["kabupaten", "kecamatan", "desa"]}, "level_label": text,
            "type": _nullable(text), "parent": {**code_name, "nullable": True},
            "population": _nullable(integer), "population_year": _nullable(integer),
            "population_source": _nullable(text), "area_km2": _nullable(num),
            "area_source": {**_nullable(text), "description": "published source of area_km2, or 'computed' "
                                                              "when the platform measured the polygon"},
            "area_year": _nullable(integer), "density_per_km2": _nullable(num), "approximate": {"type": "boolean"},
            "derived": {"type": "boolean",
                        "description": "dissolved from its desa; loading the real level replaces it"},
            "centroid": {"type": "array", "items": num, "minItems": 2, "maxItems": 2},
            "bbox": {"type": "array", "items": num, "minItems": 4, "maxItems": 4},
            "view_bbox": {"type": "array", "items": num, "minItems": 4, "maxItems": 4, "nullable": True,
                          "description": "the first view on a map: the bbox without parts under a twentieth "
                                         "of the largest (far islands)"},
            "top_commodities": {"type": "array", "items": {"type": "object", "required": [
                "sector", "subject", "label", "year", "production_ton"], "properties": {
                "sector": {"type": "string", "enum": ["agriculture", "fisheries"]}, "subject": text,
                "label": text, "year": integer, "production_ton": num, "unit": text}}},
            "producers": {"type": "object", "required": ["total", "by_section"], "properties": {
                "total": integer, "by_section": {"type": "array", "items": {"type": "object", "required": [
                    "section", "count"], "properties": {"section": _nullable(text), "label": _nullable(text),
                                                        "count": integer}}}}},
            "opportunities": {"type": "array", "items": {"type": "object", "required": ["id", "code", "title"],
                                                         "properties": {
                "id": integer, "code": text, "title": _nullable(text), "sector": _nullable(text),
                "status": _nullable(text), "readiness": _nullable(text), "value_idr": _nullable(num),
                "area_code": _nullable(text)}}},
            "children": {"type": "array", "items": code_name},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}}},
        "Choropleth": {"type": "object", "required": [
            "dataset", "year", "available_years", "level", "measure", "unit", "method", "classes", "breaks",
            "min", "max", "values"], "properties": {
            "dataset": {"type": "string", "enum": list(stats.DATASETS)}, "commodity": text, "kind": text,
            "label": text, "year": integer, "available_years": {"type": "array", "items": integer},
            "level": {"type": "string", "enum": list(stats.LEVELS)}, "measure": text, "unit": text,
            "method": {"type": "string", "enum": list(stats.METHODS)},
            "classes": {**integer, "minimum": 1, "maximum": stats.MAX_CLASSES}, "classes_requested": integer,
            "min": num, "max": num, "breaks": {"type": "array", "items": num, "minItems": 1},
            "values": {"type": "array", "items": {"type": "object", "required": [
                "code", "name", "value", "unit", "class"], "properties": {
                "code": text, "name": text, "value": num, "unit": text, "class": {**integer, "minimum": 0},
                "geometry": {"$ref": "#/components/schemas/Geometry"}}}}}},
    }


def _stats_operation(dataset: stats.Dataset) -> dict[str, Any]:
    subject = dataset.subject_param
    params = [
        _param(subject, {"type": "string", "maxLength": 64},
               "Commodity (e.g. padi, mangga)." if subject == "commodity" else "Fisheries kind (e.g. tambak, laut).",
               required=True),
        _param("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, "Year (default: the latest)."),
        _param("level", {"type": "string", "enum": list(stats.LEVELS), "default": "kecamatan"}, "Area level."),
        _param("measure", {"type": "string", "enum": list(dataset.measures)}, "Measure (default production_ton)."),
        _param("method", {"type": "string", "enum": list(stats.METHODS), "default": "quantiles"},
               "Classification: quantiles, natural breaks (Fisher-Jenks) or equal interval."),
        _param("classes", {"type": "integer", "minimum": stats.MIN_CLASSES, "maximum": stats.MAX_CLASSES,
                           "default": stats.DEFAULT_CLASSES}, "Number of classes."),
        _param("geometry", {"type": "boolean", "default": False}, "Include the area geometries."),
        _AREA,
        _param("f", {"type": "string", "enum": ["json", *EXPORT_FORMATS], "default": "json"},
               "json, or a file format to download."),
        _LANG,
    ]
    ok = {**_ref("Choropleth"), **_FILES}
    return {"get": {"operationId": f"stats_{dataset.id}", "tags": ["statistics"], "parameters": params,
                    "summary": f"Choropleth statistics of {dataset.id} production with class breaks",
                    "responses": _responses(ok)}}


def _filter_schema(kind: str) -> dict[str, Any]:
    if kind in ("string", "array"):
        return {"type": "string", "maxLength": 200}
    return dict(_TYPES[kind])


def _export_operation(layer: Layer) -> dict[str, Any]:
    filters = [_param(p.name, _filter_schema(p.type), f"Only items whose {p.name} "
                      + ("contains this value." if p.type == "array" else "is this value."))
               for p in layer.properties if p.filterable]
    params = [_F_EXPORT, _BBOX, *filters, *([_AREA] if layer.prop("area_code") else []), _LANG]
    if layer.year_sql:
        params.insert(2, _param("datetime", {"type": "string", "pattern": r"^(\d{4}(/(\d{4}|\.\.))?)?$"},
                                "Year or interval (2024, 2020/2024, 2020/..)."))
    return {"get": {"operationId": f"export_{layer.id.replace('-', '_')}", "tags": ["exports"],
                    "summary": f"Download {layer.title_en} as CSV, GeoJSON, GeoPackage or XLSX",
                    "parameters": params, "responses": _responses(_FILES, "The file", not_found=False)}}


def openapi_document(server: str) -> dict[str, Any]:
    """The OpenAPI 3.0 description of every REST v1 operation, with parameter and response schemas."""
    code = _param("code", {"type": "string", "maxLength": 20}, "Kemendagri code (32.12, 32.12.16, 32.12.16.2004).",
                  "path")
    paths: dict[str, Any] = {
        "/api/v1": {"get": {"operationId": "landing", "tags": ["meta"], "summary": "Links to the endpoints",
                            "parameters": [_LANG], "responses": _responses(_ref("Landing"), not_found=False)}},
        "/api/v1/areas/{code}": {"get": {
            "operationId": "area_profile", "tags": ["areas"], "parameters": [code, _LANG],
            "summary": "Profile of a kabupaten, kecamatan or desa",
            "responses": _responses(_ref("AreaProfile"))}},
        "/api/v1/producers": {"get": {
            "operationId": "search_producers", "tags": ["producers"],
            "summary": "Search producers (text, sector, tag, area, near a point)",
            "parameters": [
                _param("q", {"type": "string", "maxLength": search.MAX_QUERY_LENGTH},
                       "Words to find in name, products and tags (case and accents ignored)."),
                _param("sector", {"type": "string", "enum": sorted(SECTIONS)}, "KBLI 2020 section letter."),
                _param("tag", {"type": "string", "pattern": r"^[\w-]{0,64}$"}, "A tag, e.g. krupuk."),
                _AREA,
                _param("near", {"type": "string", "pattern": r"^(-?\d+(\.\d+)?,-?\d+(\.\d+)?)?$"},
                       "lon,lat: only producers within radius, nearest first, with distance_m."),
                _param("radius", {"type": "number", "minimum": 1, "maximum": search.MAX_RADIUS_M,
                                  "default": search.DEFAULT_RADIUS_M}, "Metres around near."),
                _param("limit", {"type": "integer", "minimum": 1, "maximum": search.MAX_LIMIT,
                                 "default": search.DEFAULT_LIMIT}, "Page size."),
                _param("cursor", {"type": "string", "maxLength": 200}, "next_cursor of the previous page."),
                _LANG],
            "responses": _responses(_ref("ProducerCollection", _GEOJSON), not_found=False)}},
        "/api/v1/opportunities": {"get": {
            "operationId": "list_opportunities", "tags": ["opportunities"],
            "summary": "Investment opportunities, largest first",
            "parameters": [
                _param("sector", {"type": "string", "maxLength": 64}, "Sector, e.g. fisheries, agroindustry."),
                _param("status", {"type": "string", "maxLength": 32}, "Status, e.g. tersedia."),
                _param("readiness", {"type": "string", "maxLength": 32}, "Readiness, e.g. siap_investasi."),
                _AREA,
                _param("min_value", {"type": "number", "minimum": 0}, "Smallest investment value (IDR)."),
                _param("max_value", {"type": "number", "minimum": 0}, "Largest investment value (IDR)."),
                _param("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}, "Page size."),
                _param("offset", {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
                       "Items to skip."),
                _LANG],
            "responses": _responses(_ref("OpportunityCollection", _GEOJSON), not_found=False)}},
    }
    for dataset in stats.DATASETS.values():
        paths[f"/api/v1/stats/{dataset.id}"] = _stats_operation(dataset)
    for layer in LAYERS.values():
        paths[f"/api/v1/export/{layer.id}"] = _export_operation(layer)
    paths.update(analysis_api.openapi_paths())
    paths.update(openapi_uploads.openapi_paths())
    return {
        "openapi": "3.0.3",
        "info": {"title": "Peta Ekonomi REST API", "version": "1.0.0", "license": {"name": "MIT"},
                 "description": "Area profiles, producer search, choropleth statistics, investment opportunities, "
                                "exports, and the data stewards' uploads of Peta Ekonomi. Reads are public; uploads "
                                "need an API key (bearerAuth). Errors are application/problem+json."},
        "servers": [{"url": server or "/"}],
        "paths": paths,
        "components": {"schemas": {**_schemas(), **openapi_uploads.schemas()},
                       "securitySchemes": openapi_uploads.SECURITY_SCHEMES},
    }
